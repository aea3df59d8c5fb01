"""The care standard and the figures measured against it: metrics rolled up from the event log, dashboards, exports."""
