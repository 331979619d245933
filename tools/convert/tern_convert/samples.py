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
