-- The front desk names a reservation by its platform id without saying which system; the
-- (system_id, reservation_id) key cannot serve that, so each status change scanned the table.
CREATE INDEX reservations_reservation_id ON reservations (reservation_id);
