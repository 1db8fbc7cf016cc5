"""Paper vouchers: single-use signed codes printed on a sheet, for people without a smartphone."""
