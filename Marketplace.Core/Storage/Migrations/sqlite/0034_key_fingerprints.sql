-- A key chosen by people (the configured operator key) was listed by its first 12 characters, half of a 24-character key:
-- it is now listed by a fingerprint of its hash. Generated keys keep their prefix (mkp_ and 8 random characters).
UPDATE api_keys SET key_prefix = '#' || substr(key_hash, 1, 8) WHERE key_prefix NOT LIKE 'mkp!_%' ESCAPE '!';
