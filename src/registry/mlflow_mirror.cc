#include "registry/mlflow_mirror.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include "common/json_writer.h"
#include "common/logging.h"
#include "registry/sha256.h"

namespace ntscada {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMirrorFile = "mlflow.json";
constexpr std::string_view kArtifactFolder = "model";
// The files of a version that travel to MLflow, in upload order.
constexpr std::array<std::string_view, 3> kVersionFiles = {
    "model.json", "metadata.json", "version.json"};
// MLflow accepts at most this many params and metrics in one log-batch.
constexpr std::size_t kMaxParamsPerBatch = 100;
constexpr std::size_t kMaxMetricsPerBatch = 1000;
// MLflow 2.x rejects longer param values.
constexpr std::size_t kMaxParamValue = 6000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

result<std::string, std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return failure{fmt::format("cannot read {}", path.string())};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string scalar_text(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(value));
    case simdjson::dom::element_type::BOOL:
      return bool(value) ? "true" : "false";
    case simdjson::dom::element_type::INT64:
      return std::to_string(std::int64_t(value));
    case simdjson::dom::element_type::UINT64:
      return std::to_string(std::uint64_t(value));
    case simdjson::dom::element_type::DOUBLE:
      return fmt::format("{}", double(value));
    default:
      return {};
  }
}

// Adds every scalar member below `value` as a param named by its path.
void flatten_params(simdjson::dom::element value, const std::string& prefix,
                    std::vector<mlflow_param>& out) {
  if (value.type() == simdjson::dom::element_type::OBJECT) {
    for (auto [key, member] : simdjson::dom::object(value)) {
      flatten_params(
          member,
          prefix.empty() ? std::string(key) : prefix + "." + std::string(key),
          out);
    }
    return;
  }
  if (value.type() == simdjson::dom::element_type::ARRAY) return;
  std::string text = scalar_text(value);
  if (text.size() > kMaxParamValue) text.resize(kMaxParamValue);
  out.push_back({prefix, std::move(text)});
}

// Adds every numeric member below `value` as a metric named by its path.
// Arrays such as confusion matrices are left out.
void flatten_metrics(simdjson::dom::element value, const std::string& prefix,
                     std::int64_t timestamp_ms,
                     std::vector<mlflow_metric>& out) {
  switch (value.type()) {
    case simdjson::dom::element_type::OBJECT:
      for (auto [key, member] : simdjson::dom::object(value)) {
        flatten_metrics(
            member,
            prefix.empty() ? std::string(key) : prefix + "." + std::string(key),
            timestamp_ms, out);
      }
      return;
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
      out.push_back({prefix, double(value), timestamp_ms, 0});
      return;
    default:
      return;
  }
}

std::string mirror_json(const mlflow_mirror_record& record) {
  std::string text;
  json_object_writer(text)
      .member("tracking_uri", record.tracking_uri)
      .member("experiment_id", record.experiment_id)
      .member("run_id", record.run_id)
      .member("model_version", record.model_version)
      .finish();
  return text;
}

struct artifact_location {
  std::string experiment_id;
  std::string run_id;
  std::string path;
};

// Splits "mlflow-artifacts:/EXPERIMENT/RUN/artifacts/PATH".
std::optional<artifact_location> parse_source(std::string_view source) {
  constexpr std::string_view scheme = "mlflow-artifacts:/";
  if (!source.starts_with(scheme)) return std::nullopt;
  source.remove_prefix(scheme.size());
  auto slash = source.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  artifact_location out{std::string(source.substr(0, slash)), {}, {}};
  source.remove_prefix(slash + 1);
  slash = source.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  out.run_id = std::string(source.substr(0, slash));
  source.remove_prefix(slash + 1);
  constexpr std::string_view artifacts = "artifacts/";
  if (!source.starts_with(artifacts)) return std::nullopt;
  out.path = std::string(source.substr(artifacts.size()));
  if (out.experiment_id.empty() || out.run_id.empty() || out.path.empty()) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

result<mlflow_mirror_record, std::string> read_mirror_record(
    const registered_version& version) {
  fs::path path = version.folder / std::string(kMirrorFile);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.load(path.string()).get(root)) {
    return failure{fmt::format("model {} version {}: cannot read {}: {}",
                               version.name, version.version, path.string(),
                               simdjson::error_message(error))};
  }
  mlflow_mirror_record record;
  std::string_view uri, experiment, run, model_version;
  if (root["tracking_uri"].get(uri) || root["experiment_id"].get(experiment) ||
      root["run_id"].get(run) || root["model_version"].get(model_version)) {
    return failure{fmt::format("model {} version {}: {} is incomplete",
                               version.name, version.version, path.string())};
  }
  return mlflow_mirror_record{std::string(uri), std::string(experiment),
                              std::string(run), std::string(model_version)};
}

mlflow_mirror::mlflow_mirror(local_registry& registry, mlflow_client client,
                             std::string experiment_name)
    : registry_(registry),
      client_(std::move(client)),
      experiment_name_(std::move(experiment_name)) {}

result<std::string, std::string> mlflow_mirror::experiment_id() {
  if (experiment_id_.empty()) {
    auto id = client_.get_or_create_experiment(experiment_name_);
    if (!id) return failure{id.error()};
    experiment_id_ = id.value();
  }
  return experiment_id_;
}

result<mlflow_mirror_record, std::string> mlflow_mirror::push(
    const registered_version& version) {
  auto logger = module_logger("mlflow");
  std::string id = fmt::format("{}@{}", version.name, version.version);
  auto existing = read_mirror_record(version);
  mlflow_mirror_record record;
  if (existing && existing->tracking_uri == client_.tracking_uri()) {
    record = existing.value();
  } else {
    auto experiment = experiment_id();
    if (!experiment) return failure{experiment.error()};
    auto metadata_text = read_file(version.folder / "metadata.json");
    if (!metadata_text) return failure{metadata_text.error()};
    simdjson::dom::parser parser;
    simdjson::dom::element metadata;
    if (auto error = parser.parse(metadata_text.value()).get(metadata)) {
      return failure{fmt::format("model {} version {}: {}/metadata.json: {}",
                                 version.name, version.version,
                                 version.folder.string(),
                                 simdjson::error_message(error))};
    }

    std::int64_t started = now_ms();
    auto run = client_.create_run(
        experiment.value(),
        fmt::format("{}-v{}", version.name, version.version), started);
    if (!run) return failure{run.error()};
    logger->info("pushing {} as run {} of experiment {}", id, run.value(),
                 experiment.value());

    std::vector<mlflow_param> params = {
        {"ntscada.model", version.name},
        {"ntscada.local_version", std::to_string(version.version)},
        {"ntscada.sha256", version.sha256},
    };
    simdjson::dom::element member;
    if (metadata["parameters"].get(member) == simdjson::SUCCESS) {
      flatten_params(member, "", params);
    }
    if (metadata["training"].get(member) == simdjson::SUCCESS) {
      flatten_params(member, "training", params);
    }
    for (const char* key : {"kind", "code_version", "xgboost_version"}) {
      if (metadata[key].get(member) == simdjson::SUCCESS) {
        flatten_params(member, std::string("ntscada.") + key, params);
      }
    }
    std::vector<mlflow_metric> metrics;
    if (metadata["metrics"].get(member) == simdjson::SUCCESS) {
      flatten_metrics(member, "", started, metrics);
    }
    for (std::size_t p = 0, m = 0; p < params.size() || m < metrics.size();) {
      std::size_t p_end = std::min(params.size(), p + kMaxParamsPerBatch);
      std::size_t m_end = std::min(metrics.size(), m + kMaxMetricsPerBatch);
      auto logged = client_.log_batch(
          run.value(),
          std::vector<mlflow_param>(params.begin() + p, params.begin() + p_end),
          std::vector<mlflow_metric>(metrics.begin() + m,
                                     metrics.begin() + m_end));
      if (!logged) return failure{logged.error()};
      p = p_end;
      m = m_end;
    }
    for (std::string_view file : kVersionFiles) {
      auto content = read_file(version.folder / std::string(file));
      if (!content) return failure{content.error()};
      auto uploaded = client_.upload_artifact(
          experiment.value(), run.value(),
          fmt::format("{}/{}", kArtifactFolder, file), content.value());
      if (!uploaded) return failure{uploaded.error()};
    }
    auto ended = client_.set_run_terminated(run.value(), "FINISHED", now_ms());
    if (!ended) return failure{ended.error()};
    auto created = client_.create_registered_model(version.name);
    if (!created) return failure{created.error()};
    auto model_version = client_.create_model_version(
        version.name, experiment.value(), run.value(), kArtifactFolder);
    if (!model_version) return failure{model_version.error()};

    record = {client_.tracking_uri(), experiment.value(), run.value(),
              model_version->version};
    // NOTE: when the process dies between the MLflow calls above and this
    // write, the next sync registers the version in MLflow a second time.
    auto noted =
        registry_.write_version_note(version, kMirrorFile, mirror_json(record));
    if (!noted) return failure{noted.error()};
    logger->info("pushed {} to MLflow as {} version {}", id, version.name,
                 record.model_version);
  }
  for (const std::string& alias : version.aliases) {
    auto set =
        client_.set_model_alias(version.name, alias, record.model_version);
    if (!set) return failure{set.error()};
  }
  return record;
}

mlflow_sync_summary mlflow_mirror::sync() {
  mlflow_sync_summary summary;
  auto names = registry_.list_models();
  if (!names) {
    summary.errors.push_back(names.error());
    return summary;
  }
  for (const std::string& name : names.value()) {
    auto versions = registry_.list_versions(name);
    if (!versions) {
      summary.errors.push_back(versions.error());
      continue;
    }
    for (const registered_version& version : versions.value()) {
      auto existing = read_mirror_record(version);
      bool present =
          existing && existing->tracking_uri == client_.tracking_uri();
      auto pushed = push(version);
      if (!pushed) {
        summary.errors.push_back(fmt::format("{}@{}: {}", version.name,
                                             version.version, pushed.error()));
        continue;
      }
      ++(present ? summary.versions_present : summary.versions_pushed);
      summary.aliases_set += static_cast<int>(version.aliases.size());
    }
  }
  return summary;
}

result<registered_version, std::string> mlflow_mirror::pull(
    std::string_view reference) {
  auto logger = module_logger("mlflow");
  std::string name(reference.substr(0, reference.find('@')));
  if (std::string problem = local_registry::validate_name(name);
      !problem.empty()) {
    return failure{"invalid model name " + problem};
  }
  std::string alias;
  result<mlflow_model_version, std::string> found =
      failure{std::string("unresolved")};
  if (auto at = reference.find('@'); at != std::string_view::npos) {
    std::string selector(reference.substr(at + 1));
    if (parse_model_version(selector)) {
      found = client_.get_model_version(name, selector);
    } else {
      alias = selector;
      found = client_.get_model_version_by_alias(name, alias);
    }
  } else {
    auto by_alias = client_.get_model_version_by_alias(name, "production");
    if (by_alias) {
      alias = "production";
      found = std::move(by_alias);
    } else {
      auto versions = client_.search_model_versions(name);
      if (!versions) return failure{versions.error()};
      // Sorted by ascending integer version: take the highest READY one.
      for (auto it = versions->rbegin(); it != versions->rend(); ++it) {
        if (it->is_ready()) {
          found = *it;
          break;
        }
      }
      if (!found) {
        return failure{fmt::format(
            "MLflow model {} has no production alias and no READY version",
            name)};
      }
    }
  }
  if (!found) return failure{found.error()};
  const mlflow_model_version& remote = found.value();
  if (!remote.is_ready()) {
    return failure{fmt::format(
        "MLflow model {} version {} has status {}, not READY; not loaded", name,
        remote.version, remote.status)};
  }
  auto location = parse_source(remote.source);
  if (!location) {
    return failure{fmt::format(
        "MLflow model {} version {} has source '{}', not an artifact of the "
        "form mlflow-artifacts:/EXPERIMENT/RUN/artifacts/PATH",
        name, remote.version, remote.source)};
  }

  std::mt19937_64 random(std::random_device{}());
  fs::path staging = fs::temp_directory_path() /
                     fmt::format("ntscada-pull-{}-{:x}", ::getpid(), random());
  std::error_code ignored;
  fs::create_directories(staging, ignored);
  struct remove_on_exit {
    fs::path path;
    ~remove_on_exit() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } cleanup{staging};
  for (std::string_view file : kVersionFiles) {
    auto content =
        client_.download_artifact(location->experiment_id, location->run_id,
                                  fmt::format("{}/{}", location->path, file));
    if (!content) return failure{content.error()};
    std::ofstream out(staging / std::string(file), std::ios::binary);
    out << content.value();
    if (!out.flush()) {
      return failure{fmt::format("cannot write {}", (staging / file).string())};
    }
  }

  simdjson::dom::parser parser;
  std::string_view recorded;
  fs::path record_path = staging / "version.json";
  if (parser.load(record_path.string())["sha256"].get(recorded)) {
    return failure{fmt::format(
        "MLflow model {} version {}: artifact {}/version.json has no sha256",
        name, remote.version, location->path)};
  }
  auto digest = sha256_of_file(staging / "model.json");
  if (!digest) return failure{digest.error()};
  if (digest.value() != recorded) {
    return failure{fmt::format(
        "MLflow model {} version {}: checksum mismatch for artifact "
        "{}/model.json: recorded {}, downloaded {}",
        name, remote.version, location->path, recorded, digest.value())};
  }

  auto local = registry_.find_by_checksum(name, digest.value());
  if (!local) return failure{local.error()};
  registered_version version;
  if (local->has_value()) {
    version = std::move(**local);
    logger->info("MLflow {} version {} is already local version {}", name,
                 remote.version, version.version);
  } else {
    auto registered = registry_.register_version(name, staging);
    if (!registered) return failure{registered.error()};
    version = std::move(registered.value());
    mlflow_mirror_record record{client_.tracking_uri(), location->experiment_id,
                                location->run_id, remote.version};
    auto noted =
        registry_.write_version_note(version, kMirrorFile, mirror_json(record));
    if (!noted) return failure{noted.error()};
    logger->info("pulled MLflow {} version {} as local version {}", name,
                 remote.version, version.version);
  }
  if (!alias.empty()) {
    auto set = registry_.set_alias(name, alias, version.version);
    if (!set) return failure{set.error()};
    auto refreshed = registry_.resolve(fmt::format("{}@{}", name, alias));
    if (!refreshed) return failure{refreshed.error()};
    version = std::move(refreshed.value());
  }
  return version;
}

}  // namespace ntscada
