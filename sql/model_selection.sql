-- Honest model selection: the classification report's baseline, folds
-- (kfold, stratified_kfold), cross_validate, its grid form, learning_curve.
\set SHOW_CONTEXT never

-- 95 negatives and 5 positives: a classifier right on 90 rows has 90%
-- accuracy, below the 95% of always predicting the majority; balanced
-- accuracy (the mean of the two recalls) shows it too.
CREATE TABLE trap AS
SELECT g, g <= 5 AS label, g IN (1, 2) OR g BETWEEN 6 AND 12 AS predicted FROM generate_series(1, 100) g;
SELECT r ->> 'accuracy' AS accuracy, r ->> 'majority_class' AS majority_class,
       r ->> 'majority_accuracy' AS majority_accuracy, round((r ->> 'balanced_accuracy')::numeric, 6) AS balanced,
       round(((2.0 / 5 + 88.0 / 95) / 2), 6) AS balanced_by_hand, r -> 'confusion_matrix' AS confusion_matrix
FROM (SELECT recsys.classification_report(predicted, label) AS r FROM trap) s;
SELECT class, round(precision::numeric, 4) AS precision, round(recall::numeric, 4) AS recall,
       round(f1::numeric, 4) AS f1, support, tp, fp, tn, fn
FROM recsys.classification_report_rows((SELECT recsys.classification_report(predicted, label) FROM trap));
-- a tie: the baseline names the negative class, as scikit-learn's DummyClassifier
SELECT r ->> 'majority_class' AS majority_class, r ->> 'majority_accuracy' AS majority_accuracy
FROM (SELECT recsys.classification_report(g % 2 = 0, g % 2 = 0) AS r FROM generate_series(1, 10) g) s;

-- kfold: a key's fold, the same at every call, 0 .. folds-1, even over many
-- keys; integers agree across types; a NULL key has no fold.
SELECT recsys.kfold(42, 5, 7) = recsys.kfold(42, 5, 7) AS same,
       recsys.kfold(42, 5, 7) = recsys.kfold(42::bigint, 5, 7) AS int_and_bigint_agree,
       recsys.kfold(NULL::int, 5, 7) IS NULL AS null_key;
SELECT count(DISTINCT f) AS folds, min(f) AS first, max(f) AS last,
       bool_and(n BETWEEN 1800 AND 2200) AS even
FROM (SELECT recsys.kfold(g, 5, 1) AS f, count(*) OVER (PARTITION BY recsys.kfold(g, 5, 1)) AS n
      FROM generate_series(1, 10000) g) s;
-- another seed, another split; text keys have folds too
SELECT count(*) FILTER (WHERE recsys.kfold(g, 5, 1) <> recsys.kfold(g, 5, 2)) > 7000 AS seed_matters,
       count(DISTINCT recsys.kfold('user ' || g, 3, 1)) AS text_folds
FROM generate_series(1, 10000) g;
-- errors: folds out of range or NULL, a NULL seed, a type without a hash
SELECT recsys.kfold(1, 1, 0);
SELECT recsys.kfold(1, 1001, 0);
SELECT recsys.kfold(1, NULL, 0);
SELECT recsys.kfold(1, 5, NULL);
SELECT recsys.kfold(point(1, 2), 5, 0);

-- stratified_kfold: every row one fold; per class, the folds' counts differ by
-- at most one; the same keys give the same folds whatever the rows' order.
CREATE TABLE strat AS SELECT g AS id, g % 20 = 0 AS label FROM generate_series(1, 1003) g;
CREATE TEMP TABLE dealt AS
SELECT id, label, recsys.stratified_kfold(id, 5, 3) OVER (PARTITION BY label) AS fold FROM strat;
SELECT count(*) AS rows, count(fold) AS with_fold, min(fold) AS first, max(fold) AS last FROM dealt;
SELECT label, max(n) - min(n) AS spread, sum(n) AS rows
FROM (SELECT label, fold, count(*) AS n FROM dealt GROUP BY label, fold) c GROUP BY label ORDER BY label;
SELECT count(*) AS moved
FROM dealt d
JOIN (SELECT id, recsys.stratified_kfold(id, 5, 3) OVER (PARTITION BY label) AS fold
      FROM (SELECT * FROM strat ORDER BY id DESC) r) again USING (id)
WHERE again.fold <> d.fold;
-- a NULL key has no fold and takes no share; NULL folds is an error
SELECT k, recsys.stratified_kfold(k, 2, 0) OVER () IS NULL AS no_fold FROM (VALUES (1), (NULL), (3)) v(k) ORDER BY k;
SELECT recsys.stratified_kfold(id, 1, 0) OVER () FROM strat;
SELECT recsys.stratified_kfold(id, NULL, 0) OVER () FROM strat;

-- cross_validate: a planted logistic relationship and a planted linear one
SELECT setseed(0.25);
CREATE TABLE cv_rows AS
SELECT g AS id, x1, x2, ARRAY[x1, x2] AS features,
       random() < 1 / (1 + exp(-(2 * x1 - x2))) AS label,
       3 * x1 - 2 * x2 + 0.1 * (random() - 0.5) AS y, 'text' AS note
FROM (SELECT g, random() * 2 - 1 AS x1, random() * 2 - 1 AS x2 FROM generate_series(1, 600) g) s;
SELECT fold, metric, value BETWEEN 0.7 AND 1 AS good
FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features', '{}', 5, 'auc');
-- fold 0 by hand: the same folds, trained on the others, scored held out
WITH folds AS (
    SELECT recsys.stratified_kfold(array_prepend(label::int::float8, features), 5, 42) OVER (PARTITION BY label) AS fold, label, features
    FROM cv_rows
), model AS (SELECT recsys.logreg_fit(label, features, '{}') AS m FROM folds WHERE fold <> 0)
SELECT abs(recsys.auc(recsys.predict(m, features), label)
           - (SELECT value FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features', '{}', 5, 'auc')
              WHERE fold = 0)) < 1e-12 AS fold_0_by_hand
FROM model, folds WHERE fold = 0 GROUP BY m;
-- features as a list of columns, a key column, each metric of its target
SELECT metric, count(*) AS folds, round(avg(value)::numeric, 2) AS mean
FROM (SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'x1, x2', '{"l2": 0.01}', 4, 'accuracy', 'id')
      UNION ALL
      SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'x1,x2', '{}', 4, 'logloss', key => 'id')
      UNION ALL
      SELECT * FROM recsys.cross_validate('linreg', 'cv_rows', 'y', 'features', '{}', 3, 'r2')
      UNION ALL
      SELECT * FROM recsys.cross_validate('linreg', 'cv_rows', 'y', 'features', '{}', 3, 'rmse')
      UNION ALL
      SELECT * FROM recsys.cross_validate('linreg', 'cv_rows', 'y', 'features', '{}', 3, 'mae')) s
GROUP BY metric ORDER BY metric;
-- rmse by hand on fold 1 of the regression (no key: the folds of all rows)
WITH folds AS (
    SELECT recsys.stratified_kfold(array_prepend(y, features), 3, 42) OVER () AS fold, y, features FROM cv_rows
), model AS (SELECT recsys.linreg_fit(y, features, '{}') AS m FROM folds WHERE fold <> 1)
SELECT abs(sqrt(avg((recsys.predict(m, features) - y) ^ 2))
           - (SELECT value FROM recsys.cross_validate('linreg', 'cv_rows', 'y', 'features', '{}', 3, 'rmse')
              WHERE fold = 1)) < 1e-12 AS rmse_by_hand
FROM model, folds WHERE fold = 1 GROUP BY m;
-- svm: recsys.predict is its decision value, so accuracy counts a positive
-- one as true (fold 2 by hand); logloss, which needs a probability, is refused
SELECT round(avg(value)::numeric, 1) AS svm_accuracy
FROM recsys.cross_validate('svm', 'cv_rows', 'label', 'features', '{}', 5, 'accuracy');
WITH folds AS (
    SELECT recsys.stratified_kfold(array_prepend(label::int::float8, features), 5, 42) OVER (PARTITION BY label) AS fold, label, features
    FROM cv_rows
), model AS (SELECT recsys.svm_fit(label, features, '{}') AS m FROM folds WHERE fold <> 2)
SELECT abs(avg(((recsys.predict(m, features) > 0) = label)::int)
           - (SELECT value FROM recsys.cross_validate('svm', 'cv_rows', 'label', 'features', '{}', 5, 'accuracy')
              WHERE fold = 2)) < 1e-12 AS svm_fold_2_by_hand
FROM model, folds WHERE fold = 2 GROUP BY m;
SELECT * FROM recsys.cross_validate('svm', 'cv_rows', 'label', 'features', '{}', 5, 'logloss');
-- lda classifies a text target, which recsys.predict does not score (its
-- models give classes through predict_class): not a kind cross_validate
-- runs, and not in the list of those it does
SELECT * FROM recsys.cross_validate('lda', 'cv_rows', 'label', 'features', '{}', 5, 'accuracy');
SELECT position('lda' IN recsys_internal.cv_kinds()) = 0 AS lda_not_listed,
       position('svm' IN recsys_internal.cv_kinds()) > 0 AS svm_listed;
-- another seed, other folds
SELECT count(*) FILTER (WHERE a.value <> b.value) > 0 AS seed_matters
FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features', '{}', 3, 'auc') a
JOIN recsys.cross_validate('logreg', 'cv_rows', 'label', 'features', '{}', 3, 'auc', seed => 7) b USING (fold);

-- errors: every argument checked before anything runs
SELECT * FROM recsys.cross_validate('tree', 'cv_rows', 'label', 'features', '{}', 5, 'auc');
SELECT * FROM recsys.cross_validate('als', 'cv_rows', 'label', 'features', '{}', 5, 'auc');
SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'lable', 'features', '{}', 5, 'auc');
SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features; DROP TABLE cv_rows', '{}', 5, 'auc');
SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'x1, note', '{}', 5, 'auc');
SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'x1,', '{}', 5, 'auc');
SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', '', '{}', 5, 'auc');
SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features', '{}', 5, 'auc', key => 'nokey');
SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features', '{}', 5, 'f1');
SELECT * FROM recsys.cross_validate('linreg', 'cv_rows', 'y', 'features', '{}', 5, 'auc');
SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features', '{}', 1, 'auc');
SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features', '{}', NULL, 'auc');
SELECT * FROM recsys.cross_validate('logreg', 'no_such_table', 'label', 'features', '{}', 5, 'auc');
SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features', '{"l2": -1}', 5, 'auc');
SELECT count(*) AS still_there FROM cv_rows;
-- the caller's privileges: a reader that may not read the table may not
-- cross-validate on it; once granted SELECT, it may
CREATE ROLE regress_cv_reader IN ROLE recsys_reader;
SET ROLE regress_cv_reader;
SELECT * FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features', '{}', 2, 'auc');
RESET ROLE;
GRANT SELECT ON cv_rows TO regress_cv_reader;
SET ROLE regress_cv_reader;
SELECT count(*) AS folds FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features', '{}', 2, 'auc');
RESET ROLE;
REVOKE SELECT ON cv_rows FROM regress_cv_reader;
DROP ROLE regress_cv_reader;

-- the grid: per option set, the mean and standard deviation of the folds'
-- scores, each the score cross_validate gives for that set
SELECT g.option_set, g.metric, cardinality(g.scores) AS folds,
       abs(g.mean - (SELECT avg(value) FROM recsys.cross_validate('logreg', 'cv_rows', 'label', 'features',
                                                                  g.option_set, 4, 'logloss'))) < 1e-12 AS mean_is_cv,
       abs(g.std - (SELECT stddev_pop(s) FROM unnest(g.scores) s)) < 1e-12 AS std_of_scores
FROM recsys.cross_validate_grid('logreg', 'cv_rows', 'label', 'features',
                                ARRAY['{"l2": 0.001}', '{"l2": 1}', '{"l2": 100}']::jsonb[], 4, 'logloss') g;
-- strong regularization loses: the mean log loss grows with l2
SELECT array_agg(option_set ->> 'l2' ORDER BY mean) AS best_first
FROM recsys.cross_validate_grid('logreg', 'cv_rows', 'label', 'features',
                                ARRAY['{"l2": 100}', '{"l2": 1}', '{"l2": 0.001}']::jsonb[], 4, 'logloss');
SELECT * FROM recsys.cross_validate_grid('logreg', 'cv_rows', 'label', 'features', '{}'::jsonb[], 4, 'auc');

-- the learning curve: training sizes grow with the fraction (3/4 of the rows
-- at 1); the validation error falls as the rows grow
SELECT metric, fraction, train_size, round(train_score::numeric, 4) AS train_rmse,
       round(validation_score::numeric, 4) AS validation_rmse,
       train_std IS NOT NULL AND validation_std IS NOT NULL AS has_std
FROM recsys.learning_curve('linreg', 'cv_rows', 'y', 'features', '{}', 4, 'rmse', '{0.02, 0.5, 1}');
SELECT (array_agg(validation_score ORDER BY fraction))[1] > (array_agg(validation_score ORDER BY fraction))[3]
           AS more_rows_lower_the_loss
FROM recsys.learning_curve('logreg', 'cv_rows', 'label', 'features', '{}', 4, 'logloss', '{0.03, 0.5, 1}');
SELECT * FROM recsys.learning_curve('linreg', 'cv_rows', 'y', 'features', '{}', 4, 'r2', '{0, 0.5}');
SELECT * FROM recsys.learning_curve('linreg', 'cv_rows', 'y', 'features', '{}', 4, 'r2', '{}');
