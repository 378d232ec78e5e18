DROP TABLE offers;
DROP TABLE lead_prices;
