-- A subscriber endpoint the operator allowed to be loopback, private or
-- link-local (`webhooks subscribe --allow-private-network`); every other
-- subscription is delivered to public addresses only.
ALTER TABLE subscriptions ADD COLUMN allow_private_network INTEGER NOT NULL DEFAULT 0;
