-- Products in after-sales service: the product a request is about (beside
-- the customer's asset), and the products a knowledge base article is
-- about, so that a request's page can suggest the articles of its
-- product.

ALTER TABLE service_requests ADD COLUMN product_id INTEGER REFERENCES products (id) ON DELETE SET NULL;
-- The request list filtered by a product, in its default order.
CREATE INDEX service_requests_product ON service_requests (product_id, resolve_due_at, id)
    WHERE product_id IS NOT NULL AND deleted_at IS NULL;

-- The products an article is about (the field product_ids, a reference
-- list); ref_id first finds the articles of a product.
CREATE TABLE kb_articles_product_ids (
    record_id INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    ref_id    INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, ref_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX kb_articles_product_ids_ref ON kb_articles_product_ids (ref_id, record_id);

-- The scope of records that take it from their customer (sales
-- documents, payments), checked row by row where a query reads them in
-- an order of its own (the receivables): the customer's owner from this
-- small index rather than from the customer's row (parentScopeCond).
CREATE INDEX customers_scope ON customers (id, owner_id);
