-- Why a prediction: the trees' feature importance and the per-feature
-- contributions to a raw score of trees (TreeSHAP) and linear models.

-- Per feature (1 = features[1]) of a gbt_fit or forest_fit model: the splits on
-- it (weight), their mean loss reduction (gain) and mean hessian sum (cover),
-- as XGBoost's get_score; 0 for a feature no split uses.
CREATE FUNCTION recsys.feature_importance(model bytea)
    RETURNS TABLE(feature int, gain float8, weight float8, cover float8)
    AS 'MODULE_PATHNAME', 'recsys_feature_importance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION recsys.feature_importance(bytea) IS 'A tree model''s importance of each feature: gain, weight (splits) and cover, as XGBoost''s';
CREATE FUNCTION recsys.feature_importance(name text)
    RETURNS TABLE(feature int, gain float8, weight float8, cover float8)
    AS 'MODULE_PATHNAME', 'recsys_feature_importance_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 20;
COMMENT ON FUNCTION recsys.feature_importance(text) IS 'feature_importance of the tree model a name serves';

-- The parts of one row's raw score (the margin: log-odds for binary
-- classifiers; per class for multi-class trees, class naming it): feature 0
-- the bias, then each feature's; per class they sum to the raw score. Trees:
-- XGBoost's TreeSHAP; linear models: coefficient x value, the intercept as bias.
CREATE FUNCTION recsys.contributions(model bytea, features float8[])
    RETURNS TABLE(class text, feature int, contribution float8)
    AS 'MODULE_PATHNAME', 'recsys_contributions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION recsys.contributions(bytea, float8[]) IS 'Per-feature contributions to a row''s raw score (tree SHAP, or coefficient x value), feature 0 the bias';
CREATE FUNCTION recsys.contributions(name text, features float8[])
    RETURNS TABLE(class text, feature int, contribution float8)
    AS 'MODULE_PATHNAME', 'recsys_contributions_by_name' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 20;
COMMENT ON FUNCTION recsys.contributions(text, float8[]) IS 'contributions of the model a name serves';
