-- A refund asked for while the order's eSIM is still being obtained waits for the provider's
-- answer instead of racing it: the request is stored on the order, and the fulfilment job stops
-- (or terminates what arrives) before the refund runs. Portable SQL; times are unix milliseconds.

ALTER TABLE orders ADD COLUMN refund_requested_at BIGINT;
-- 'refund': Tern refunds once fulfilment has stopped; 'refunded': the payment was already
-- refunded outside Tern (the Stripe dashboard), so only the order follows.
ALTER TABLE orders ADD COLUMN refund_request TEXT;
-- An eSIM the provider delivered after the refund was asked for: 'terminating', 'terminated',
-- or 'not_terminated' (the provider cannot or would not end it: a person must).
ALTER TABLE orders ADD COLUMN late_esim TEXT;
