"""The budget year: rate changes that reach the grants, next year's budget proposal with
what-if versions, savings measures, breakdowns and trends over years."""
