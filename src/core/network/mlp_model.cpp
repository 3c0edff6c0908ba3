// The fully connected ranker as a model kind: options, prediction, payload,
// and mlp_fit(label bool, features float8[] [, options]).
//
// Payload layout, version 1 (little-endian):
//   u32 payload version, u64 features, f64[] mean, f64[] scale,
//   f32[] parameters (mlp_network.h's layout, layer sizes from the options),
//   string options (JSON), common training summary (model.h),
//   sampled rows (training_summary_parts.h), u64 validation rows, i32 epochs,
//   u8 stopped early, f64[] validation losses, f64 best validation loss
#include <cmath>
#include <limits>
#include <memory>

#include "../linear/binary_labels.h"
#include "mlp.h"

namespace recsys {

namespace {

constexpr std::uint32_t kPayloadVersion = 1;
constexpr std::size_t kMaxHiddenLayers = 8;

std::unique_ptr<Model> fit(const TrainingRows& rows, const Options& options, TrainContext& ctx) {
    return std::make_unique<MlpModel>(train_mlp(labeled_rows(rows), options, ctx, collected_summary(rows)));
}

void check_options(const Options& o) {
    const std::size_t layers = o.integers("hidden_layers").size();
    if (layers > kMaxHiddenLayers)
        fail_option(*o.schema(), "hidden_layers",
                    "has " + std::to_string(layers) + " layers: at most " + std::to_string(kMaxHiddenLayers));
    // The default is written into every model, so only a changed value tells
    // that the user meant a split that would silently not happen.
    if (!o.boolean("early_stopping") && o.number("validation_fraction") != 0.1)
        fail_option(*o.schema(), "validation_fraction", "is used only with \"early_stopping\": true");
}

}  // namespace

const OptionSchema& mlp_option_schema() {
    static const OptionSchema schema = {
        "mlp_fit",
        with_sampling_options(
            {
                integer_list_option("hidden_layers", {64, 32}, 1, 4096,
                                    "units of each ReLU hidden layer, 0 to 8 layers ([]: logistic regression)"),
                number_option("learning_rate", 1e-3, 1e-12, 10, "Adam's step size (scikit-learn's learning_rate_init)"),
                renamed_from("beta1",
                             number_option("beta_1", 0.9, 0, 0.999999999, "Adam's decay of the gradient's mean")),
                renamed_from("beta2", number_option("beta_2", 0.999, 0, 0.999999999,
                                                    "Adam's decay of the gradient's second moment")),
                number_option("epsilon", 1e-8, 1e-30, 1, "Adam's guard against division by zero"),
                integer_option("batch_size", 200, 1, 1e7, "rows per mini-batch (at most the rows there are)"),
                integer_option("epochs", 200, 1, 1e6,
                               "most passes over the rows, fewer with early_stopping or tol (scikit-learn's "
                               "max_iter; epochs, not iterations: one epoch is many Adam steps)"),
                number_option("l2", 1e-4, 0, 1e9,
                              "L2 penalty on the weights, (l2 / 2) |W|^2 / batch rows: scikit-learn's alpha"),
                boolean_option("early_stopping", false,
                               "hold out validation_fraction of the rows and stop when their log loss stops improving"),
                number_option("validation_fraction", 0.1, 1e-6, 0.99, "rows held out (per class) for early_stopping"),
                integer_option("n_iter_no_change", 10, 1, 1e6, "epochs without an improvement of tol before stopping"),
                number_option("tol", 1e-4, 0, 1e9, "the improvement of the loss an epoch must make to count"),
                boolean_option(
                    "standardize", true,
                    "scale each feature to mean 0 and variance 1 over the training rows (kept in the model)"),
            },
            "seed of the weights, the shuffles, the validation split and the down-sampling"),
        check_options,
    };
    return schema;
}

const ModelKind& mlp_kind() {
    static const ModelKind kind{
        {MlpModel::kKind, "mlp_fit", &mlp_option_schema(), labeled_columns()}, fit, read_model_as<MlpModel>};
    return kind;
}

void mlp_standardize(const double* x, const Eigen::VectorXd& mean, const Eigen::VectorXd& scale, float* out) {
    for (Eigen::Index j = 0; j < mean.size(); ++j) out[j] = static_cast<float>((x[j] - mean[j]) / scale[j]);
}

namespace {

// The score of one row whose standardized inputs are z, in double: what the
// float pass falls back to when a value overflows float.
double decision_in_double(const MlpNetwork<float>& network, const std::vector<double>& z) {
    MlpNetwork<double> net(network.sizes);
    net.params = network.params.cast<double>();
    MlpWorkspace<double> workspace(net.sizes, 1);
    mlp_forward(net, Eigen::Map<const MlpMatrix<double>>(z.data(), static_cast<Eigen::Index>(z.size()), 1), workspace);
    return workspace.activations.back()(0, 0);
}

}  // namespace

double MlpModel::decision(const double* x) const {
    // predict runs once per row of a scoring query: its buffers are kept per
    // thread and made again only when a network of other sizes comes along.
    struct Buffers {
        std::vector<std::size_t> sizes;
        std::vector<double> z;
        MlpMatrix<float> input;
        std::unique_ptr<MlpWorkspace<float>> workspace;
    };
    thread_local Buffers buffers;
    if (buffers.sizes != network.sizes) {
        buffers.workspace = std::make_unique<MlpWorkspace<float>>(network.sizes, 1);
        buffers.input.resize(mean.size(), 1);
        buffers.z.resize(static_cast<std::size_t>(mean.size()));
        buffers.sizes = network.sizes;
    }
    // The network computes in float, exactly as training did, as long as no
    // value leaves float's range; a row of features far beyond the training
    // rows' range would make it inf - inf = NaN, so such a row is scored
    // again in double (an infinite score is a probability of 0 or 1).
    bool in_float = true;
    for (Eigen::Index j = 0; j < mean.size(); ++j) {
        const double z = (x[j] - mean[j]) / scale[j];
        buffers.z[static_cast<std::size_t>(j)] = z;
        in_float = in_float && std::fabs(z) <= std::numeric_limits<float>::max();
        buffers.input(j, 0) = in_float ? static_cast<float>(z) : 0.0f;
    }
    if (in_float) {
        mlp_forward(network, buffers.input, *buffers.workspace);
        bool finite = true;
        for (const MlpMatrix<float>& a : buffers.workspace->activations) finite = finite && a.allFinite();
        if (finite) return buffers.workspace->activations.back()(0, 0);
    }
    const double score = decision_in_double(network, buffers.z);
    if (std::isnan(score)) fail_score_overflow(kKind);
    return score;
}

double MlpModel::predict(const double* x) const {
    return corrected_probability(sigmoid(decision(x)), negative_sample_rate);
}

std::size_t MlpModel::memory_bytes() const {
    return sizeof(*this) + 2 * feature_count() * sizeof(double) +
           static_cast<std::size_t>(network.params.size()) * sizeof(float) +
           (summary.loss.size() + summary.validation_loss.size()) * sizeof(double);
}

std::string MlpModel::metadata_json() const {
    JsonWriter dimensions;
    dimensions.begin_object();
    dimensions.key("features");
    dimensions.integer(static_cast<long long>(feature_count()));
    dimensions.key("layers");
    dimensions.begin_array();
    for (std::size_t units : network.sizes) dimensions.integer(static_cast<long long>(units));
    dimensions.end_array();
    dimensions.key("parameters");
    dimensions.integer(static_cast<long long>(network.params.size()));
    dimensions.end_object();
    std::string training = training_summary_json(summary, [&](JsonWriter& w) {
        sampled_rows_json(w, summary);
        w.key("validation_rows");
        w.integer(static_cast<long long>(summary.validation_rows));
        w.key("epochs");
        w.integer(summary.epochs);
        w.key("stopped_early");
        w.boolean(summary.stopped_early);
        if (!summary.validation_loss.empty()) {
            w.key("validation_loss");
            w.numbers(summary.validation_loss);
            w.key("best_validation_loss");
            w.number(summary.best_validation_loss);
        }
    });
    return model_metadata_json(options.to_json(), dimensions.str(), training);
}

void MlpModel::write_payload(ByteWriter& w) const {
    w.pod<std::uint32_t>(kPayloadVersion);
    w.pod<std::uint64_t>(feature_count());
    w.array(mean.data(), feature_count());
    w.array(scale.data(), feature_count());
    w.array(network.params.data(), static_cast<std::size_t>(network.params.size()));
    write_options(w, options);
    write_training_summary(w, summary);
    write_sampled_rows(w, summary);
    w.pod<std::uint64_t>(summary.validation_rows);
    w.pod<std::int32_t>(summary.epochs);
    w.pod<std::uint8_t>(summary.stopped_early ? 1 : 0);
    w.array(summary.validation_loss.data(), summary.validation_loss.size());
    w.pod<double>(summary.best_validation_loss);
}

namespace {

Eigen::VectorXd read_doubles(ByteReader& r, std::size_t expected, const char* what) {
    std::vector<double> v;
    r.array<double>(v, expected, what);
    if (v.size() != expected) fail(ErrorKind::Corrupted, std::string("model is inconsistent: ") + what + " count");
    return Eigen::Map<Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

}  // namespace

MlpModel MlpModel::read(const Envelope& env) {
    ByteReader r(env.payload, env.payload_size);
    read_payload_version(r, "mlp", kPayloadVersion);
    MlpModel m;
    const auto features = r.pod<std::uint64_t>("features");
    if (features > (std::uint64_t(1) << 32)) fail(ErrorKind::Corrupted, "model is inconsistent: feature count");
    m.mean = read_doubles(r, features, "means");
    m.scale = read_doubles(r, features, "scales");
    std::vector<float> params;
    r.array<float>(params, std::size_t(1) << 34, "parameters");
    m.options = read_options(r, mlp_option_schema());
    // The count is checked before the network is allocated from the sizes.
    std::vector<std::size_t> sizes = mlp_layer_sizes(features, m.options.integers("hidden_layers"));
    if (params.size() != mlp_parameter_count(sizes))
        fail(ErrorKind::Corrupted, "model is inconsistent: parameter count");
    m.network = MlpNetwork<float>(std::move(sizes));
    m.network.params = Eigen::Map<MlpVector<float>>(params.data(), m.network.params.size());
    if (!m.mean.allFinite() || !m.scale.allFinite() || (m.scale.array() <= 0).any())
        fail(ErrorKind::Corrupted, "model is inconsistent: non-finite or non-positive standardization");
    if (!m.network.params.allFinite()) fail(ErrorKind::Corrupted, "model is inconsistent: non-finite weights");
    m.negative_sample_rate = m.options.number("negative_sample_rate");
    static_cast<TrainingSummary&>(m.summary) = read_training_summary(r);
    static_cast<SampledRows&>(m.summary) = read_sampled_rows(r);
    m.summary.validation_rows = r.pod<std::uint64_t>("validation rows");
    m.summary.epochs = r.pod<std::int32_t>("epochs");
    m.summary.stopped_early = r.pod<std::uint8_t>("stopped early") != 0;
    r.array<double>(m.summary.validation_loss, 1 << 20, "validation losses");
    m.summary.best_validation_loss = r.pod<double>("best validation loss");
    if (r.remaining() != 0) fail(ErrorKind::Corrupted, "model is inconsistent: trailing bytes after the payload");
    return m;
}

}  // namespace recsys
