-- Others see live offerings newest published first: this index gives that order without sorting the catalog.
CREATE INDEX ix_offerings_published ON offerings (published_at, id);
