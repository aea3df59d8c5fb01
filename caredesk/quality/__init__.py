"""Reply quality: the six behaviours of a written reply, scored live and kept for reports."""
