-- The training aggregates: the state every <kind>_fit shares (combine,
-- serialize and deserialize for parallel plans, the final call that trains),
-- the install-time helper that declares an aggregate from one line, the
-- line of each model kind (but the bandit's, in 70_experiments.sql), and
-- recsys.options, the options every kind takes.

-- Every option of every kind (the model kinds by kind, ab_compare by its
-- name), or of one: its JSON type, default (NULL: none), range (numbers),
-- allowed strings and meaning, read from the schemas the aggregates check
-- their options with. 22023 for a kind that does not exist.
CREATE FUNCTION recsys.options(kind text DEFAULT NULL)
    RETURNS TABLE(kind text, option text, type text, default_value text, minimum float8, maximum float8,
                  choices text[], description text)
    AS 'MODULE_PATHNAME', 'recsys_options' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE ROWS 80;
COMMENT ON FUNCTION recsys.options(text) IS 'Every option of every kind (or of one): its type, default, range, choices and meaning';

-- Install-time helper (dropped by 85_end_of_aggregates.sql, no part of the
-- API): declares aggregate recsys.<aggregate>(<arguments>), described by
-- `description` (its COMMENT), and its transition function
-- recsys_internal.<sfunc>(internal, <argument types>), the C function <symbol>,
-- over the support functions recsys_internal.<support>_combine, _serialize and
-- _deserialize, with final function recsys_internal.<final> and SSPACE
-- <sspace> (NULL: none). Arguments ending in "[, options jsonb]" declare both
-- forms, with the options and without. Each aggregate has its own overload of
-- its transition function, so a line here is all there is to an aggregate.
-- The support functions are internal: PostgreSQL checks that the aggregate's
-- owner (the extension's) may execute them, not its caller.
CREATE FUNCTION recsys_internal.install_aggregate(aggregate text, arguments text, sfunc text, symbol text,
                                                  sspace int, support text, final text, description text)
    RETURNS void
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    optional text[] := regexp_match(arguments, '^(.*) \[, (.*)\]$');
    form text;
    types text;
BEGIN
    FOREACH form IN ARRAY CASE WHEN optional IS NULL THEN ARRAY[arguments]
                               ELSE ARRAY[optional[1] || ', ' || optional[2], optional[1]] END LOOP
        types := regexp_replace(form, '(^|, )("[^"]+"|\w+) ', '\1', 'g');
        EXECUTE format('CREATE FUNCTION recsys_internal.%I(internal, %s) RETURNS internal '
                       'AS %L, %L LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE',
                       sfunc, types, 'MODULE_PATHNAME', symbol);
        EXECUTE format('CREATE AGGREGATE recsys.%I(%s) (SFUNC = recsys_internal.%I, STYPE = internal,%s '
                       'COMBINEFUNC = recsys_internal.%I, SERIALFUNC = recsys_internal.%I, '
                       'DESERIALFUNC = recsys_internal.%I, FINALFUNC = recsys_internal.%I, PARALLEL = SAFE)',
                       aggregate, form, sfunc, CASE WHEN sspace IS NOT NULL THEN format(' SSPACE = %s,', sspace) END,
                       support || '_combine', support || '_serialize', support || '_deserialize', final);
        EXECUTE format('COMMENT ON AGGREGATE recsys.%I(%s) IS %L', aggregate, types, description);
    END LOOP;
END
$$;

-- Every <kind>_fit aggregate collects its columns with its own transition
-- function (recsys_internal.<kind>_collect) and shares the rest.
CREATE FUNCTION recsys_internal.training_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_training_combine' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION recsys_internal.training_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_training_serialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION recsys_internal.training_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'recsys_training_deserialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION recsys_internal.training_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'recsys_training_final' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;

-- SSPACE: a state holds its group's rows, far more than the planner's default
-- guess of a few kB; 64 MB keeps it from a hash aggregate that would hold
-- every group's rows at once. Linear regression keeps a QR factor of the
-- rows, not the rows: any number of rows in (p + 2)^2 numbers (1 MB).
SELECT recsys_internal.install_aggregate(a.aggregate, a.arguments, a.sfunc, a.symbol, a.sspace, 'training',
                                         'training_final', a.description)
FROM (VALUES
    -- ALS
    ('als_fit',    'user_id bigint, item_id bigint, weight float8 [, options jsonb]', 'als_collect', 'recsys_als_collect', 67108864,
     'Trains an ALS model (implicit or explicit feedback) on (user, item, weight) rows; returns the model'),
    -- item-to-item neighbours (implicit's ItemItemRecommender)
    ('itemknn_fit', 'user_id bigint, item_id bigint, weight float8 [, options jsonb]', 'itemknn_collect', 'recsys_itemknn_collect', 67108864,
     'Keeps the most similar items of every item (cosine, bm25 or tfidf over their users) on (user, item, weight) rows; returns the model'),
    -- Bayesian personalized ranking (served like ALS)
    ('bpr_fit',    'user_id bigint, item_id bigint, weight float8 [, options jsonb]', 'bpr_collect', 'recsys_bpr_collect', 67108864,
     'Trains a BPR model (Bayesian personalized ranking, SGD over sampled triples) on (user, item, weight) rows; returns the model'),
    -- logistic regression
    ('logreg_fit', 'label bool, features float8[] [, options jsonb]', 'logreg_collect', 'recsys_logreg_collect', 67108864,
     'Trains a logistic regression on (label, features) rows; returns the model'),
    -- linear regression
    ('linreg_fit', 'y float8, features float8[] [, options jsonb]', 'linreg_collect', 'recsys_linreg_collect', 1048576,
     'Trains a linear regression (OLS, ridge, lasso, elastic net) on (y, features) rows; returns the model'),
    -- the fully connected ranker
    ('mlp_fit',    'label bool, features float8[] [, options jsonb]', 'mlp_collect', 'recsys_mlp_collect', 67108864,
     'Trains a fully connected network classifier on (label, features) rows; returns the model'),
    -- Cox proportional hazards (survival, 64_survival.sql)
    ('coxph_fit',  '"time" float8, event bool, features float8[] [, options jsonb]', 'coxph_collect', 'recsys_coxph_collect', 67108864,
     'Trains a Cox proportional hazards model (Breslow ties) on (time, event, features) rows; returns the model'),
    -- k-nearest neighbours (the model keeps its rows; an id names them in knn_neighbors)
    ('knn_fit',    'target float8, features float8[] [, options jsonb]', 'knn_collect', 'recsys_knn_collect', 67108864,
     'Keeps (target, features) rows as a k-nearest-neighbours classifier or regression; returns the model'),
    ('knn_fit',    'target float8, features float8[], id bigint [, options jsonb]', 'knn_collect', 'recsys_knn_collect', 67108864,
     'Keeps (target, features, id) rows as a k-nearest-neighbours model whose neighbours are named by id; returns the model'),
    ('knn_fit',    'target float8, features float8[], options text', 'knn_collect', 'recsys_knn_collect', 67108864,
     'knn_fit with its options as text (the form an untyped literal takes, the id form being bigint)'),
    -- linear discriminant analysis (per-class moments, not the rows)
    ('lda_fit',    '"class" text, features float8[] [, options jsonb]', 'lda_collect', 'recsys_lda_collect', 1048576,
     'Trains a linear discriminant analysis on (class, features) rows; returns the model'),
    -- linear support vector machine
    ('svm_fit',    'label bool, features float8[] [, options jsonb]', 'svm_collect', 'recsys_svm_collect', 67108864,
     'Trains a linear support vector machine (LinearSVC) on (label, features) rows; returns the model'),
    -- item features -> item factors, for items without interactions (fresh items, 67_fresh_items.sql)
    ('item_factors_fit', 'factors float8[], features float8[] [, options jsonb]', 'item_factors_collect', 'recsys_item_factors_collect', 67108864,
     'Trains a ridge regression from item features to item factors (of an ALS model) on (factors, features) rows; returns the model'),
    -- boosted trees (XGBoost), and learning to rank over query groups
    ('gbt_fit',    'target float8, features float8[] [, options jsonb]', 'gbt_collect', 'recsys_gbt_collect', 67108864,
     'Trains gradient-boosted trees (XGBoost) on (target, features) rows: regression, binary or multi-class; returns the model'),
    ('gbt_fit',    'target float8, features float8[], query bigint, options jsonb', 'gbt_collect', 'recsys_gbt_collect', 67108864,
     'Trains gradient-boosted trees (XGBoost) to rank the rows of each query (rank:pairwise, rank:ndcg); returns the model'),
    -- random forests (XGBoost)
    ('forest_fit', 'target float8, features float8[] [, options jsonb]', 'forest_collect', 'recsys_forest_collect', 67108864,
     'Trains a random forest (XGBoost) on (target, features) rows: regression, binary or multi-class; returns the model'),
    -- co-occurrence embeddings (GloVe on watch sessions); ts is timestamptz
    -- over the kind's Int64 column: the datum is the int64 microseconds
    ('cooccurrence_fit', 'user_id bigint, item_id bigint, ts timestamptz [, options jsonb]', 'cooccurrence_collect', 'recsys_cooccurrence_collect', 67108864,
     'Trains item embeddings by GloVe on items watched near each other by one user (user, item, watch time); returns the model')
) AS a(aggregate, arguments, sfunc, symbol, sspace, description);
