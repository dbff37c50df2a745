"""Correspondence and MAC enquiries: a log of incoming and outgoing items with working-day
deadline clocks (England and Wales bank holidays), due and overdue lists, response times
per partner; an outgoing item carrying personal data is a disclosure, asked of the access
decision hook and audited."""
