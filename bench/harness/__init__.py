"""The benchmark harness: plan, run (cases, floor), analyse, check targets, report, plot."""
