DROP INDEX leads_buyer_replied;
DROP TABLE follow_ups;
