# PGXS build of the recsys extension. The core (src/core) is plain C++17 +
# Eigen; the glue (src/pg) is the only code that sees PostgreSQL.
#
#   make && make install        build and install into the PostgreSQL of pg_config
#   make installcheck           pg_regress against a running server (scripts/test.sh starts one)
#   make NATIVE=1               tune for this machine's CPU (-march=native); the
#                               default build runs on any x86-64 / arm64 CPU

EXTENSION   = recsys
MODULE_big  = recsys
# The install script is made from the per-area sources in src/sql (rule below).
DATA_built  = recsys--0.1.0.sql

CORE_OBJS   = src/core/base/decompositions.o src/core/base/huge_pages.o src/core/base/json.o src/core/base/options.o src/core/base/parallel.o src/core/base/radix_sort.o src/core/base/topk.o \
              src/core/model/coefficients.o src/core/model/model.o src/core/model/model_cache.o src/core/model/model_format.o src/core/model/model_kind.o src/core/model/option_table.o src/core/model/pipeline.o src/core/model/sampled_key.o src/core/model/training_summary_parts.o src/core/model/training_rows.o \
              src/core/als/als_explain.o src/core/als/als_gram.o src/core/als/als_kernel.o src/core/als/als_kind.o src/core/als/als_model.o src/core/als/als_params.o src/core/als/als_serve.o src/core/als/als_train.o src/core/als/als_warm_start.o src/core/als/interactions.o \
              src/core/candidates/candidate_model.o src/core/candidates/factor_model.o \
              src/core/linear/binary_labels.o src/core/linear/linreg_fit.o src/core/linear/linreg_model.o src/core/linear/linreg_summary.o src/core/linear/logreg_model.o src/core/linear/logreg_train.o src/core/linear/sparse_rows.o \
              src/core/network/mlp_model.o src/core/network/mlp_network.o src/core/network/mlp_rows.o src/core/network/mlp_train.o \
              src/core/features/featurizer_check.o src/core/features/featurizer_fit.o src/core/features/featurizer_kind.o src/core/features/featurizer_model.o src/core/features/featurizer_options.o src/core/features/featurizer_stats.o \
              src/core/experiments/ab_assign.o src/core/experiments/ab_kind.o src/core/experiments/ab_report.o src/core/experiments/ab_stats.o src/core/experiments/bandit_explore.o src/core/experiments/bandit_model.o src/core/experiments/bandit_prior.o \
              src/core/statistics/metrics.o src/core/statistics/statistic_kind.o src/core/survival/kaplan_meier.o src/core/model/row_order.o src/core/survival/coxph_fit.o src/core/survival/coxph_model.o src/core/statistics/folds.o \
              src/core/neighbours/knn_kernel.o src/core/neighbours/knn_kernel_avx2.o src/core/neighbours/knn_model.o src/core/neighbours/knn_search.o \
              src/core/discriminant/lda_fit.o src/core/discriminant/lda_model.o src/core/discriminant/lda_summary.o \
              src/core/linear/linear_decision.o src/core/linear/svm_model.o src/core/linear/svm_train.o \
              src/core/trees/contributions.o src/core/trees/tree_ensemble.o src/core/trees/tree_explain.o src/core/trees/tree_model.o src/core/trees/tree_train.o src/core/trees/xgboost_api.o \
              src/core/candidates/itemknn_format.o src/core/candidates/itemknn_model.o src/core/candidates/itemknn_pairs.o src/core/candidates/itemknn_weighting.o \
              src/core/candidates/cosine_neighbours.o src/core/candidates/cooccurrence_counts.o src/core/candidates/cooccurrence_model.o src/core/candidates/cooccurrence_train.o \
              src/core/candidates/bpr_fold_in.o src/core/candidates/bpr_model.o src/core/candidates/bpr_train.o \
              src/core/candidates/item_factors_fit.o src/core/candidates/item_factors_model.o src/core/candidates/fresh_items.o
GLUE_OBJS   = src/pg/ab_functions.o src/pg/ab_glue.o src/pg/bandit_functions.o \
              src/pg/aggregate_options.o src/pg/candidate_functions.o src/pg/als_glue.o src/pg/arguments.o src/pg/bridge.o \
              src/pg/curve_functions.o src/pg/coefficient_functions.o src/pg/serving_version.o \
              src/pg/featurizer_functions.o src/pg/warm_start.o \
              src/pg/featurizer_glue.o src/pg/featurizer_site.o src/pg/jsonb_rows.o src/pg/record_rows.o \
              src/pg/linreg_glue.o src/pg/logreg_glue.o src/pg/mlp_glue.o \
              src/pg/memory_claim.o src/pg/metric_functions.o src/pg/option_functions.o src/pg/predict_functions.o src/pg/model_info_functions.o src/pg/model_source.o \
              src/pg/pipeline_functions.o src/pg/rows.o src/pg/module.o src/pg/settings.o src/pg/statistic_glue.o src/pg/trained_model.o \
              src/pg/training_aggregate.o src/pg/training_parallel.o src/pg/survival_glue.o src/pg/survival_functions.o src/pg/kfold_functions.o \
              src/pg/batch_predict.o src/pg/class_functions.o src/pg/feature_arguments.o src/pg/knn_glue.o src/pg/lda_glue.o src/pg/svm_glue.o \
              src/pg/trees_glue.o src/pg/explain_functions.o \
              src/pg/itemknn_glue.o src/pg/cooccurrence_glue.o src/pg/item_vector_functions.o src/pg/bpr_glue.o src/pg/candidate_explain.o \
              src/pg/item_factors_glue.o src/pg/fresh_items_glue.o
OBJS        = $(CORE_OBJS) $(GLUE_OBJS)

REGRESS     = setup public_api options als parallel serving registry cache deploy warm_start retrain roles logreg linreg mlp classification two_stage featurizer metrics evaluation errors label_impressions bandit ab_test registry_views model_rows survival model_selection knn lda svm trees itemknn cooccurrence bpr fresh_items

EIGEN_INCLUDE ?= /usr/include/eigen3
PG_CPPFLAGS = -I$(EIGEN_INCLUDE) -DEIGEN_NO_DEBUG
PG_CXXFLAGS = -std=c++17 -O3 -fopenmp-simd -Wno-register -pthread
SHLIB_LINK += -llbfgs -lz -lxgboost -lstdc++ -pthread

ifeq ($(NATIVE),1)
PG_CXXFLAGS += -march=native
endif
# DEBUG_INFO=0 builds without debug information: the same machine code (GCC's
# -g does not change what it generates) in about two thirds of the compile
# time. The test command builds so; an installed extension keeps its -g.
ifeq ($(DEBUG_INFO),0)
PG_CXXFLAGS += -g0
endif

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# The install script: src/sql/*.sql in the order of their names (00_registry
# first, 90_roles last), each saying at its top what it holds.
SQL_SOURCES = $(sort $(wildcard src/sql/*.sql))
recsys--0.1.0.sql: $(SQL_SOURCES)
	{ echo '-- recsys 0.1.0 install script, made by make from src/sql/*.sql: edit those.'; cat $^; } > $@

# Header dependencies (PGXS tracks none unless PostgreSQL was configured with
# --enable-depend): a changed header rebuilds every object that includes it.
$(OBJS): CXXFLAGS += -MMD -MP
-include $(OBJS:.o=.d)
EXTRA_CLEAN = $(OBJS:.o=.d)

# PGXS compiles JIT bitcode with clang, which ignores PG_CXXFLAGS.
BITCODE_CXXFLAGS += -std=c++17 -Wno-register -I$(EIGEN_INCLUDE)

# PostgreSQL compiles with -fwrapv and -fno-strict-aliasing, which its C
# code needs. The core never relies on signed overflow or type punning
# (vectors are loaded with memcpy), and both flags cost the ALS kernel dearly:
# -fwrapv stops GCC from vectorizing its loops (3-4x slower), and without
# strict aliasing every float store forces pointers to be reloaded (15%).
# -Wno-psabi: kernel vectors never cross a non-inlined call (kernel_simd.h).
$(CORE_OBJS): CXXFLAGS += -fno-wrapv -fstrict-aliasing -Wno-psabi
# The core's common headers precompiled once (src/core/core_pch.h), with the
# core's own flags, and included first by every core file: about a second of
# each Eigen-using file's compile.
CORE_PCH = src/core/core_pch.h
$(CORE_PCH).gch: $(CORE_PCH)
	$(CXX) $(CXXFLAGS) $(CPPFLAGS) -x c++-header -o $@ $<
$(CORE_PCH).gch: CXXFLAGS += -fno-wrapv -fstrict-aliasing -Wno-psabi
$(CORE_OBJS): $(CORE_PCH).gch
$(CORE_OBJS): CXXFLAGS += -include $(CORE_PCH) -Winvalid-pch
EXTRA_CLEAN += $(CORE_PCH).gch
# GCC 12 sees a false "may be used uninitialized" in Eigen's eigensolver and
# Householder QR.
src/core/als/als_gram.o src/core/linear/linreg_fit.o src/core/linear/linreg_summary.o: CXXFLAGS += -Wno-maybe-uninitialized
