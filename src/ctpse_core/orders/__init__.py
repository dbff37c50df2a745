"""Civil orders and reoffending pathways: key dates per order from configured rules that cite
their legal source, pathway reviews, and the horizon (deadlines soon, deadlines missed,
nominals approaching release with no order considered or no pathway mapped)."""
