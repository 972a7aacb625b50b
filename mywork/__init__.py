"""The contact worker's own pages: sessions, records, calendar, leave."""
