// The few calls of XGBoost's C API (libxgboost 1.7) that training needs,
// behind owners that free their handles. Every call:
//   - runs with every signal blocked (SignalsBlocked), so the OpenMP workers
//     XGBoost starts inherit a full mask: in a PostgreSQL backend no thread
//     but the backend's own may ever receive a signal;
//   - has its return code checked: XGBGetLastError becomes an Error naming
//     what failed (InvalidParameter, 22023: XGBoost refuses what it was given);
//   - logs nothing: XGBoost's verbosity is 0 and its log callback drops all.
// Only training uses XGBoost; serving walks our own checked trees (tree_ensemble.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace recsys::xgb {

// A dense float32 matrix (rows x cols, row-major, NaN = missing) with its labels.
class DMatrix {
public:
    DMatrix(const float* x, std::size_t rows, std::size_t cols);
    ~DMatrix();
    DMatrix(const DMatrix&) = delete;
    DMatrix& operator=(const DMatrix&) = delete;
    void set_labels(const std::vector<float>& labels);
    // Rows per query, in row order (ranking objectives).
    void set_groups(const std::vector<unsigned>& sizes);
    void* handle() const { return handle_; }

private:
    void* handle_ = nullptr;
};

class Booster {
public:
    // A booster over the training matrix (and the validation one, if any).
    explicit Booster(const std::vector<const DMatrix*>& cache);
    ~Booster();
    Booster(const Booster&) = delete;
    Booster& operator=(const Booster&) = delete;
    void set(const std::string& name, const std::string& value);
    void update(int round, const DMatrix& train);
    // XGBoost's evaluation text of one round ("[3]\ttrain-rmse:0.5\tvalid-rmse:0.6").
    std::string evaluate(int round, const std::vector<const DMatrix*>& sets, const std::vector<std::string>& names);
    // Keeps only rounds [0, rounds).
    void keep_rounds(int rounds);
    // The model as XGBoost's JSON.
    std::string json() const;
    // Loads XGBoost JSON (tests only: serving never hands bytes to XGBoost).
    void load_json(const std::string& text);
    // Predictions of XGBoost itself (tests): margins or transformed.
    std::vector<float> predict(const DMatrix& data, bool margin) const;

private:
    void* handle_ = nullptr;
};

// The last metric value of the set `name` in XGBoost's evaluation text; NaN when absent.
double metric_of(const std::string& evaluation, const std::string& name);

}  // namespace recsys::xgb
