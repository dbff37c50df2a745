"""Tasking: CT asset requests, fast-time events, the commitments board and the weekly
returns' data. See ``docs/tasking.md``."""
