"""The Västra Skaraborg demo data, built from five public pages and kept in the repository."""
