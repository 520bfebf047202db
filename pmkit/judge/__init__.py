"""The judgements: status against target, SPC, benchmarking, findings, themes and what they mean."""
