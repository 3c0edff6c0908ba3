#include "xgboost_api.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <regex>

#include "../base/error.h"
#include "../base/parallel.h"

namespace recsys::xgb {

namespace {

void drop_log(const char*) {}

// XGBoost's message without its time, source file and stack trace:
// "[16:01:02] ../src/learner.cc:767: Check failed: ..." -> "Check failed: ...".
std::string clean_message(const char* raw) {
    std::string text = raw ? raw : "unknown error";
    text = text.substr(0, text.find('\n'));
    static const std::regex prefix(R"(^\[[^\]]*\]\s*[^ ]+:[0-9]+:\s*)");
    return std::regex_replace(text, prefix, "");
}

// Runs one C API call with every signal blocked; an Error naming `what` on failure.
template <class Call>
void call(const char* what, Call&& c) {
    static std::once_flag quiet;
    SignalsBlocked blocked;
    std::call_once(quiet, [] {
        XGBRegisterLogCallback(drop_log);
        XGBSetGlobalConfig(R"({"verbosity": 0})");
    });
    if (c() != 0)
        fail(ErrorKind::InvalidParameter, std::string("XGBoost failed to ") + what + ": " + clean_message(XGBGetLastError()));
}

std::vector<DMatrixHandle> handles(const std::vector<const DMatrix*>& sets) {
    std::vector<DMatrixHandle> out;
    for (const DMatrix* d : sets) out.push_back(d->handle());
    return out;
}

}  // namespace

DMatrix::DMatrix(const float* x, std::size_t rows, std::size_t cols) {
    call("build its matrix", [&] {
        return XGDMatrixCreateFromMat(x, rows, cols, std::numeric_limits<float>::quiet_NaN(), &handle_);
    });
}

DMatrix::~DMatrix() {
    if (handle_) {
        SignalsBlocked blocked;
        XGDMatrixFree(handle_);
    }
}

void DMatrix::set_labels(const std::vector<float>& labels) {
    call("set the labels", [&] { return XGDMatrixSetFloatInfo(handle_, "label", labels.data(), labels.size()); });
}

void DMatrix::set_groups(const std::vector<unsigned>& sizes) {
    call("set the query groups", [&] { return XGDMatrixSetUIntInfo(handle_, "group", sizes.data(), sizes.size()); });
}

Booster::Booster(const std::vector<const DMatrix*>& cache) {
    auto h = handles(cache);
    call("create a booster", [&] { return XGBoosterCreate(h.data(), h.size(), &handle_); });
}

Booster::~Booster() {
    if (handle_) {
        SignalsBlocked blocked;
        XGBoosterFree(handle_);
    }
}

void Booster::set(const std::string& name, const std::string& value) {
    const std::string what = "set its parameter " + name + " = " + value;
    call(what.c_str(), [&] { return XGBoosterSetParam(handle_, name.c_str(), value.c_str()); });
}

void Booster::update(int round, const DMatrix& train) {
    call("train a round", [&] { return XGBoosterUpdateOneIter(handle_, round, train.handle()); });
}

std::string Booster::evaluate(int round, const std::vector<const DMatrix*>& sets,
                              const std::vector<std::string>& names) {
    auto h = handles(sets);
    std::vector<const char*> n;
    for (const std::string& s : names) n.push_back(s.c_str());
    const char* out = nullptr;
    call("evaluate a round", [&] { return XGBoosterEvalOneIter(handle_, round, h.data(), n.data(), h.size(), &out); });
    return out ? out : "";
}

void Booster::keep_rounds(int rounds) {
    BoosterHandle sliced = nullptr;
    call("keep the best rounds", [&] { return XGBoosterSlice(handle_, 0, rounds, 1, &sliced); });
    SignalsBlocked blocked;
    XGBoosterFree(handle_);
    handle_ = sliced;
}

std::string Booster::json() const {
    bst_ulong length = 0;
    const char* data = nullptr;
    call("save its model", [&] { return XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &length, &data); });
    return std::string(data, length);
}

void Booster::load_json(const std::string& text) {
    call("load a model", [&] { return XGBoosterLoadModelFromBuffer(handle_, text.data(), text.size()); });
}

std::vector<float> Booster::predict(const DMatrix& data, bool margin) const {
    const std::string config = std::string(R"({"type": )") + (margin ? "1" : "0") +
                               R"(, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})";
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* out = nullptr;
    call("predict", [&] { return XGBoosterPredictFromDMatrix(handle_, data.handle(), config.c_str(), &shape, &dims, &out); });
    bst_ulong n = 1;
    for (bst_ulong i = 0; i < dims; ++i) n *= shape[i];
    return std::vector<float>(out, out + n);
}

double metric_of(const std::string& evaluation, const std::string& name) {
    const std::string key = "\t" + name + "-";
    const std::size_t at = evaluation.rfind(key);
    if (at == std::string::npos) return std::numeric_limits<double>::quiet_NaN();
    const std::size_t colon = evaluation.find(':', at);
    if (colon == std::string::npos) return std::numeric_limits<double>::quiet_NaN();
    return std::strtod(evaluation.c_str() + colon + 1, nullptr);
}

}  // namespace recsys::xgb
