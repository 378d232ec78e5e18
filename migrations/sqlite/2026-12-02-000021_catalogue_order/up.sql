-- The catalogue lists newest first and pages through that order.
CREATE INDEX reports_by_change ON reports (updated_at, id);
