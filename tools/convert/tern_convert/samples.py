"""Fixed sample sentences for the report's int8-vs-fp32 cosines and for the self-test vectors."""

SAMPLE_SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "A man is playing a guitar on the stage.",
    "How do I reset my password if I forgot my e-mail address?",
    "Edge devices need small, fast models that run without a network connection.",
    "Paris is the capital and most populous city of France.",
    "The stock market fell sharply after the announcement, losing 3.2% in an hour.",
    "She sells sea shells by the sea shore.",
    "Neural networks learn representations of text from large corpora.",
    "I love this phone, the battery lasts for two days!",
    "Quantum computers exploit superposition and entanglement.",
    "Rain is expected tomorrow afternoon in the northern valleys.",
    "Could you recommend a good restaurant near the train station?",
]
SELF_TEST_COUNT = 4

# Only for finding outlier channels; kept apart from the sentences the report measures on.
CALIBRATION_SENTENCES = [
    "What time does the museum open on Sundays?",
    "The committee approved the new budget after a long debate.",
    "My cat likes to sleep in the sun next to the window.",
    "Please send me the invoice by Friday.",
    "Solar panels convert sunlight into electricity.",
    "He scored twice in the second half and won the match.",
    "The recipe needs two eggs, flour, sugar and a pinch of salt.",
    "Symptoms include fever, cough and fatigue.",
    "Our flight was delayed by three hours because of fog.",
    "The library is closed for renovation until March.",
    "Can you explain how this algorithm works?",
    "Ok",
    "Thanks!",
    "The Treaty of Westphalia was signed in 1648.",
    "Download the latest version from the official website.",
    "Why is the sky blue?",
]
