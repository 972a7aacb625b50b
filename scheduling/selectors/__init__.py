"""Reads of the rota: `board` lays a week out for the deputy's board; `sessions` serves the
team leader's desk and the worker's own pages, each scoped to what the user may see."""
