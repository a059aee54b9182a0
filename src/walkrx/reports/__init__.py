"""Reports: the plan and reviews rendered as files people open elsewhere (calendars, exports)."""
