"""--keep-layers / --drop-layers: keeps a subset of the schedule's entries (layer positions), in order.
Weight sets no kept entry runs are dropped from the file (BERT: one set per layer) and the schedule is
renumbered; a shared ALBERT set stays and its schedule just gets shorter."""

import dataclasses


def keep_layers(spec, positions):
    """Returns a spec whose schedule is spec.schedule[p] for p in positions (ascending)."""
    entries = [spec.schedule[p] for p in positions]
    used = sorted(set(entries))
    renumber = {old: new for new, old in enumerate(used)}
    hyper = spec.hyper
    # The schema derives the schedule from ALBERT's grouping; a custom one records 0 (no config length).
    grouped = hyper.num_hidden_groups != 1 or hyper.inner_group_num != 1
    hyper = dataclasses.replace(hyper, config_num_hidden_layers=0 if grouped else len(entries))
    return dataclasses.replace(spec, weight_sets=[spec.weight_sets[i] for i in used],
                               schedule=[renumber[e] for e in entries], hyper=hyper)
