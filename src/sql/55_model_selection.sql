-- Honest model selection: folds (kfold, stratified_kfold), cross-validation
-- of any kind with a <kind>_fit(target, features float8[], options jsonb)
-- aggregate (cross_validate, its grid form), and the learning curve.

-- A key's fold 0 .. folds-1: a seeded hash of the key's value by its type's
-- extended hash function, so the same key is in the same fold at every call,
-- in every session and on every server (integer keys: on every platform; the
-- hash of text and other varlena keys is PostgreSQL's, the same on machines
-- of the same byte order, as hash partitioning). kfold(5::int) and
-- kfold(5::bigint) agree. A NULL key has no fold (NULL); folds 2 .. 1000.
CREATE FUNCTION recsys.kfold(key anyelement, folds int, seed int) RETURNS int
    AS 'MODULE_PATHNAME', 'recsys_kfold' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION recsys.kfold IS
    'A key''s fold 0 .. folds-1 for cross-validation, from a seeded hash of its value: the same key, the same fold';

-- Exact stratification, as a window function over each class's rows:
--   recsys.stratified_kfold(id, 5, 42) OVER (PARTITION BY label)
-- orders the partition's rows by the same seeded hash as kfold and deals them
-- out round robin, so each fold holds its share of every class to one row.
-- Rows with equal keys are told apart by their order in the partition.
CREATE FUNCTION recsys.stratified_kfold(key anyelement, folds int, seed int) RETURNS int
    AS 'MODULE_PATHNAME', 'recsys_stratified_kfold' LANGUAGE C WINDOW IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION recsys.stratified_kfold IS
    'Window function over a class''s rows (PARTITION BY class): folds 0 .. folds-1 dealt in seeded hash order, every class split evenly';

-- Cross-validation. The statements are built from the names given, each
-- checked to be what it must be (a kind with a <kind>_fit(target, features
-- float8[], options jsonb) aggregate, looked up in pg_proc so that every kind
-- added later is one; columns of the relation, in pg_attribute; a metric of
-- the list) and quoted with format('%I'): no argument is SQL text. They run
-- with the caller's privileges (SECURITY INVOKER), the search path pinned;
-- a recsys_reader may execute the internal helpers they call (90_roles.sql),
-- none of which takes SQL text.
-- The folds are stratified_kfold's over a key (a column; by default the row's
-- target and features as one float8[], array_prepend(target, features):
-- rows equal in both are interchangeable, so the folds' contents never depend
-- on the rows' order), by class for a boolean target, over all rows otherwise; rows with a NULL target or key are
-- left out. Each fold trains on the others and scores the held-out one with
-- recsys.predict; accuracy counts a prediction above 0.5 as true (above 0
-- for svm, whose prediction is a decision value).

-- What every cross-validation reads: the fit aggregate, whether the target is
-- a class (boolean), and the query of (fold, position, y, x) rows, position
-- in [0, 1) a seeded hash of the key that picks nested training subsets for
-- the learning curve.
CREATE FUNCTION recsys_internal.cv_source(kind text, relation regclass, target text, features text, key text,
                                          folds int, seed int, metric text,
                                          OUT fit text, OUT classifier boolean, OUT source text)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    target_type regtype;
    y text;
    x text;
    k text;
    names text[] := string_to_array(features, ',');
BEGIN
    IF kind IS NULL OR relation IS NULL OR target IS NULL OR features IS NULL OR folds IS NULL
       OR metric IS NULL OR seed IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22004',
            MESSAGE = 'kind, relation, target, features, folds, metric and seed must not be NULL';
    END IF;
    IF folds < 2 OR folds > 1000 THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('folds must be between 2 and 1000, not %s', folds),
            HINT = '5 or 10 folds are usual: each fold is held out once while the others train';
    END IF;
    SELECT p.proargtypes[0]::regtype INTO target_type
    FROM pg_proc p
    WHERE p.pronamespace = 'recsys'::regnamespace AND p.proname = kind || '_fit' AND p.prokind = 'a'
      AND p.pronargs = 3 AND p.proargtypes[1] = 'float8[]'::regtype AND p.proargtypes[2] = 'jsonb'::regtype;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('kind %L has no recsys.%s_fit(target, features float8[], options jsonb) aggregate',
                             kind, kind),
            HINT = 'kinds: ' || recsys_internal.cv_kinds();
    END IF;
    IF NOT kind = ANY (string_to_array(recsys_internal.cv_kinds(), ', ')) THEN
        -- (lda: its target is a class name, and recsys.predict refuses its
        -- models, which give classes through predict_class)
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('kind %s cannot be cross-validated: its target is %s, and cross_validate scores '
                             'recsys.predict''s number against a boolean or numeric target', kind, target_type),
            HINT = format('score %s by hand with recsys.predict_class on the folds of recsys.stratified_kfold; '
                          'kinds: %s', kind, recsys_internal.cv_kinds());
    END IF;
    classifier := target_type = 'boolean'::regtype;
    IF metric NOT IN ('auc', 'logloss', 'accuracy', 'rmse', 'mae', 'r2') THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('unknown metric %L', metric),
            HINT = 'metrics: auc, logloss, accuracy (boolean targets); rmse, mae, r2';
    END IF;
    -- svm's recsys.predict is the decision value (its sign the class), not a probability
    IF metric = 'logloss' AND kind = 'svm' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'metric logloss scores probabilities, and kind svm predicts a decision value',
            HINT = 'use auc or accuracy (a positive decision value counts as true)';
    END IF;
    IF metric IN ('auc', 'logloss', 'accuracy') AND NOT classifier THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('metric %s scores classes, and kind %s''s target is %s', metric, kind, target_type),
            HINT = 'use rmse, mae or r2';
    END IF;
    PERFORM recsys_internal.cv_column(relation, target, 'target');
    IF cardinality(names) = 0 OR EXISTS (SELECT FROM unnest(names) c WHERE trim(c) = '') THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('features %L has an empty column name', features),
            HINT = 'features is one float8[] column or a comma list of numeric columns, names as stored';
    END IF;
    y := format('%I::%s', target, target_type);
    IF cardinality(names) = 1
       AND recsys_internal.cv_column(relation, trim(names[1]), 'feature') = 'float8[]'::regtype THEN
        x := format('%I', trim(names[1]));
    ELSE
        SELECT 'ARRAY[' || string_agg(format('%I::float8', n.name), ', ' ORDER BY c.i) || ']' INTO x
        FROM unnest(names) WITH ORDINALITY AS c(raw, i), LATERAL (SELECT trim(c.raw) AS name) n
        WHERE recsys_internal.cv_column(relation, n.name, 'feature', true) IS NOT NULL;
    END IF;
    IF key IS NOT NULL THEN
        PERFORM recsys_internal.cv_column(relation, key, 'key');
    END IF;
    k := CASE WHEN key IS NULL THEN format('array_prepend(%s::float8, %s)', CASE WHEN classifier THEN y || '::int' ELSE y END, x)
              ELSE format('%I', key) END;
    fit := kind || '_fit';
    source := format('SELECT recsys.stratified_kfold(%1$s, %2$s, %3$s) OVER (%4$s) AS fold, '
                     'recsys.kfold(%1$s, 1000, %5$s) / 1000.0 AS position, %6$s AS y, %7$s AS x '
                     'FROM %8$s WHERE %6$s IS NOT NULL AND %1$s IS NOT NULL',
                     k, folds, seed, CASE WHEN classifier THEN 'PARTITION BY ' || y ELSE '' END,
                     (seed::bigint * 31 + 17) % 2147483647, y, x, relation);
END
$$;

-- The kinds cross_validate takes (cv_source's test, its errors' hints):
-- those with a <kind>_fit(target, features float8[], options jsonb)
-- aggregate whose target recsys.predict's number is scored against, a
-- boolean or numeric one (a cast to float8). Not a class name (text: lda,
-- whose models recsys.predict refuses; predict_class gives their classes).
CREATE FUNCTION recsys_internal.cv_kinds() RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    RETURN (SELECT string_agg(left(p.proname, -4), ', ' ORDER BY p.proname)
            FROM pg_proc p
            WHERE p.pronamespace = 'recsys'::regnamespace AND p.proname LIKE '%\_fit' AND p.prokind = 'a'
              AND p.pronargs = 3 AND p.proargtypes[1] = 'float8[]'::regtype AND p.proargtypes[2] = 'jsonb'::regtype
              AND (p.proargtypes[0] IN ('boolean'::regtype, 'float8'::regtype)
                   OR EXISTS (SELECT FROM pg_cast c
                              WHERE c.castsource = p.proargtypes[0] AND c.casttarget = 'float8'::regtype)));

-- The type of column `name` of the relation (its `role` in the error);
-- 42703 if it has none. A feature must be numeric (a cast to float8).
CREATE FUNCTION recsys_internal.cv_column(relation regclass, name text, role text, scalar boolean DEFAULT false)
    RETURNS regtype
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regtype;
BEGIN
    SELECT a.atttypid INTO t FROM pg_attribute a
    WHERE a.attrelid = relation AND a.attname = name AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '42703',
            MESSAGE = format('%s column %I of relation %s does not exist', role, name, relation),
            HINT = CASE role WHEN 'feature'
                             THEN 'features is one float8[] column or a comma list of numeric columns, names as stored'
                             ELSE 'name a column of the relation, as stored' END;
    END IF;
    IF scalar AND t <> 'float8'::regtype
       AND NOT EXISTS (SELECT FROM pg_cast c WHERE c.castsource = t AND c.casttarget = 'float8'::regtype) THEN
        RAISE EXCEPTION USING ERRCODE = '42804',
            MESSAGE = format('feature column %I of relation %s is %s, not a number', name, relation, t);
    END IF;
    RETURN t;
END
$$;

-- One fold: trains kind on the other folds' rows (those at a position below
-- `fraction`) and scores the held-out fold (and the training rows when
-- with_train). train_rows: the rows it trained on. It takes the checked
-- names, never SQL text: its statements are cv_source's.
CREATE FUNCTION recsys_internal.cv_fold(kind text, relation regclass, target text, features text, key text,
                                        folds int, seed int, metric text, options jsonb,
                                        fold int, fraction float8, with_train boolean,
                                        OUT train_rows bigint, OUT train_score float8, OUT validation_score float8)
    LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    plan record := recsys_internal.cv_source(kind, relation, target, features, key, folds, seed, metric);
    y text := CASE WHEN plan.classifier THEN 's.y::int::float8' ELSE 's.y::float8' END;
    score text := format('SELECT %s FROM (SELECT recsys.predict($1, d.x) AS p, d.y FROM (%s) d WHERE %%s) s',
                         CASE metric
                             WHEN 'auc' THEN 'recsys.auc(s.p, s.y)'
                             WHEN 'logloss' THEN 'recsys.logloss(s.p, s.y)'
                             WHEN 'accuracy' THEN format('avg(((s.p > %s) = s.y)::int)::float8',
                                                         CASE WHEN kind = 'svm' THEN 0 ELSE 0.5 END)
                             WHEN 'rmse' THEN format('sqrt(avg((s.p - %s) ^ 2))', y)
                             WHEN 'mae' THEN format('avg(abs(s.p - %s))', y)
                             WHEN 'r2' THEN format('1 - sum((s.p - %1$s) ^ 2) / nullif(regr_syy(%1$s, s.p), 0)', y)
                         END, plan.source);
    -- (all the training rows: no position, which the planner then leaves uncomputed)
    training text := CASE WHEN fraction >= 1 THEN 'd.fold <> $2 AND $3 IS NOT NULL'
                          ELSE 'd.fold <> $2 AND d.position < $3' END;
    model bytea;
BEGIN
    EXECUTE format('SELECT recsys.%I(d.y, d.x, $1), count(*) FROM (%s) d WHERE %s', plan.fit, plan.source, training)
        INTO model, train_rows USING options, fold, fraction;
    EXECUTE format(score, 'd.fold = $2') INTO validation_score USING model, fold;
    IF with_train THEN
        EXECUTE format(score, training) INTO train_score USING model, fold, fraction;
    END IF;
END
$$;

-- cross_validate: per fold, the metric of the model trained on the others.
-- (metric is an INOUT parameter: the argument, and the column of the rows.)
CREATE FUNCTION recsys.cross_validate(kind text, relation regclass, target text, features text, options jsonb,
                                      folds int, OUT fold int, INOUT metric text, OUT value float8,
                                      key text DEFAULT NULL, seed int DEFAULT 42)
    RETURNS SETOF record
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM recsys_internal.cv_source(kind, relation, target, features, key, folds, seed, metric);  -- the checks
    FOR f IN 0 .. folds - 1 LOOP
        fold := f;
        value := (recsys_internal.cv_fold(kind, relation, target, features, key, folds, seed, metric, options, f, 1,
                                          false)).validation_score;
        RETURN NEXT;
    END LOOP;
END
$$;

-- The mean and the standard deviation (population, as scikit-learn's
-- cv_results_) of a fold's scores.
CREATE FUNCTION recsys_internal.cv_mean_std(scores float8[], OUT mean float8, OUT std float8)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT (avg(s), stddev_pop(s)) FROM unnest(scores) s);

-- The grid form: per option set, the mean and standard deviation of the
-- folds' metric and the folds' scores, every set on the same folds.
CREATE FUNCTION recsys.cross_validate_grid(kind text, relation regclass, target text, features text, options jsonb[],
                                           folds int, OUT option_set jsonb, INOUT metric text, OUT mean float8,
                                           OUT std float8, OUT scores float8[],
                                           key text DEFAULT NULL, seed int DEFAULT 42)
    RETURNS SETOF record
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM recsys_internal.cv_source(kind, relation, target, features, key, folds, seed, metric);  -- the checks
    IF options IS NULL OR cardinality(options) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'options must hold at least one option set',
            HINT = 'for example ARRAY[''{"l2": 0.1}'', ''{"l2": 1}'']::jsonb[]';
    END IF;
    FOREACH option_set IN ARRAY options LOOP
        SELECT array_agg((recsys_internal.cv_fold(kind, relation, target, features, key, folds, seed, metric,
                                                  option_set, f, 1, false)).validation_score ORDER BY f)
        INTO scores FROM generate_series(0, folds - 1) f;
        SELECT s.mean, s.std INTO mean, std FROM recsys_internal.cv_mean_std(scores) s;
        RETURN NEXT;
    END LOOP;
END
$$;

-- The learning curve: per fraction of the training folds' rows (nested
-- subsets, the same in every fold), the rows trained on and the train and
-- validation scores, mean and standard deviation over the folds. A low
-- validation score close to the train score: bias (a richer model helps);
-- a validation score well below the train score, closing as the rows grow:
-- variance (more rows or more regularization help).
CREATE FUNCTION recsys.learning_curve(kind text, relation regclass, target text, features text, options jsonb,
                                      folds int, INOUT metric text, OUT fraction float8, OUT train_size bigint,
                                      OUT train_score float8, OUT validation_score float8,
                                      OUT train_std float8, OUT validation_std float8,
                                      fractions float8[] DEFAULT '{0.1, 0.325, 0.55, 0.775, 1}',
                                      key text DEFAULT NULL, seed int DEFAULT 42)
    RETURNS SETOF record
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM recsys_internal.cv_source(kind, relation, target, features, key, folds, seed, metric);  -- the checks
    IF fractions IS NULL OR cardinality(fractions) = 0
       OR EXISTS (SELECT FROM unnest(fractions) x WHERE x IS NULL OR NOT (x > 0 AND x <= 1)) THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('fractions must be numbers in (0, 1], not %s', coalesce(fractions::text, 'NULL')),
            HINT = 'the shares of the training folds'' rows to train on, e.g. ''{0.1, 0.5, 1}''';
    END IF;
    FOREACH fraction IN ARRAY fractions LOOP
        SELECT round(r.train_rows)::bigint, m.mean, s.mean, m.std, s.std
        INTO train_size, train_score, validation_score, train_std, validation_std
        FROM (SELECT array_agg(x.train_score) AS train, array_agg(x.validation_score) AS validation,
                     avg(x.train_rows) AS train_rows
              FROM generate_series(0, folds - 1) f,
                   LATERAL recsys_internal.cv_fold(kind, relation, target, features, key, folds, seed, metric,
                                                   options, f, fraction, true) x) r,
             LATERAL recsys_internal.cv_mean_std(r.train) m, LATERAL recsys_internal.cv_mean_std(r.validation) s;
        RETURN NEXT;
    END LOOP;
END
$$;

COMMENT ON FUNCTION recsys.cross_validate IS
    'Per fold, the metric (auc, logloss, accuracy, rmse, mae, r2) of a <kind>_fit model trained on the other folds of a relation''s rows';
COMMENT ON FUNCTION recsys.cross_validate_grid IS
    'cross_validate of each option set on the same folds: the mean and standard deviation of the metric, and the folds'' scores';
COMMENT ON FUNCTION recsys.learning_curve IS
    'Train and validation scores against the rows trained on (shares of the training folds), mean and standard deviation over the folds';
