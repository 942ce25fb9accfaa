#include "training/model_bundle.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>

#include "common/json_writer.h"
#include "features/feature_schema.h"

namespace ntscada {
namespace {

std::string statistics_json(const value_statistics& s) {
  std::string out;
  json_object_writer(out)
      .member("mean", s.mean)
      .member("standard_deviation", s.standard_deviation)
      .member("minimum", s.minimum)
      .member("maximum", s.maximum)
      .member("median", s.median)
      .member("skewness", s.skewness)
      .member("kurtosis", s.kurtosis)
      .member("count", static_cast<std::int64_t>(s.count))
      .finish();
  return out;
}

std::string statistics_map_json(
    const std::unordered_map<std::string, value_statistics>& map) {
  std::string out;
  json_object_writer writer(out);
  for (const auto& [key, stats] : map) {
    writer.raw_member(key, statistics_json(stats));
  }
  writer.finish();
  return out;
}

result<value_statistics, std::string> read_statistics(
    simdjson::dom::element element) {
  value_statistics s;
  std::int64_t count = 0;
  struct member {
    const char* key;
    double* target;
  };
  for (const member& m :
       {member{"mean", &s.mean},
        member{"standard_deviation", &s.standard_deviation},
        member{"minimum", &s.minimum}, member{"maximum", &s.maximum},
        member{"median", &s.median}, member{"skewness", &s.skewness},
        member{"kurtosis", &s.kurtosis}}) {
    if (auto error = element[m.key].get(*m.target)) {
      return failure{
          fmt::format("{}: {}", m.key, simdjson::error_message(error))};
    }
  }
  if (auto error = element["count"].get(count)) {
    return failure{fmt::format("count: {}", simdjson::error_message(error))};
  }
  s.count = static_cast<std::uint64_t>(count);
  return s;
}

}  // namespace

result<bool, std::string> save_model_bundle(const std::filesystem::path& folder,
                                            const xgboost_model& model,
                                            const model_metadata& metadata) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) {
    return failure{fmt::format("cannot create model folder {}: {}",
                               folder.string(), error.message())};
  }
  auto saved = model.save(folder / "model.json");
  if (!saved) return saved;

  std::string names = "[";
  for (std::size_t i = 0; i < metadata.feature_names.size(); ++i) {
    if (i > 0) names += ',';
    append_json_string(names, metadata.feature_names[i]);
  }
  names += ']';
  std::string statistics;
  json_object_writer(statistics)
      .raw_member("by_sensor",
                  statistics_map_json(metadata.statistics.by_sensor()))
      .raw_member("by_type", statistics_map_json(metadata.statistics.by_type()))
      .finish();

  std::string out;
  json_object_writer(out)
      .member("format_version", std::int64_t{metadata.format_version})
      .member("name", metadata.name)
      .member("version", metadata.version)
      .member("created", metadata.created)
      .member("kind", metadata.kind)
      .member("xgboost_version", metadata.xgboost_version)
      .member("code_version", metadata.code_version)
      .raw_member("feature_names", names)
      .raw_member("reference_statistics", statistics)
      .raw_member("metrics", metadata.metrics_json)
      .raw_member("parameters", metadata.parameters_json)
      .raw_member("training", metadata.training_json)
      .finish();
  std::ofstream file(folder / "metadata.json", std::ios::binary);
  file << out << '\n';
  if (!file.flush()) {
    return failure{
        fmt::format("cannot write {}", (folder / "metadata.json").string())};
  }
  return true;
}

result<model_bundle, std::string> load_model_bundle(
    const std::filesystem::path& folder) {
  std::filesystem::path metadata_path = folder / "metadata.json";
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.load(metadata_path.string()).get(root)) {
    return failure{fmt::format("cannot read model metadata {}: {}",
                               metadata_path.string(),
                               simdjson::error_message(error))};
  }
  auto invalid = [&](std::string_view what) {
    return failure{fmt::format("model metadata {} is invalid: {}",
                               metadata_path.string(), what)};
  };

  model_bundle bundle;
  bundle.folder = folder;
  model_metadata& m = bundle.metadata;
  std::int64_t format_version = 0;
  if (root["format_version"].get(format_version)) {
    return invalid("no format_version");
  }
  if (format_version > kModelFormatVersion) {
    return failure{fmt::format(
        "model metadata {} has format version {}, newer than the {} this "
        "build reads; upgrade NT-SCADA to load it",
        metadata_path.string(), format_version, kModelFormatVersion)};
  }
  m.format_version = static_cast<int>(format_version);
  std::string_view text;
  if (root["name"].get(text)) return invalid("no name");
  m.name = text;
  if (root["version"].get(text)) return invalid("no version");
  m.version = text;
  if (root["kind"].get(text)) return invalid("no kind");
  m.kind = text;
  if (!root["xgboost_version"].get(text)) m.xgboost_version = text;

  simdjson::dom::array names;
  if (root["feature_names"].get(names)) return invalid("no feature_names");
  for (auto name : names) {
    std::string_view value;
    if (name.get(value)) return invalid("a feature name is not a string");
    m.feature_names.emplace_back(value);
  }
  std::vector<std::string> expected(feature_names.begin(), feature_names.end());
  if (m.feature_names != expected) {
    return failure{fmt::format(
        "feature_schema_mismatch: model {} expects [{}] but this build "
        "computes [{}]",
        folder.string(), fmt::join(m.feature_names, ", "),
        fmt::join(expected, ", "))};
  }

  for (std::string_view section : {"by_sensor", "by_type"}) {
    simdjson::dom::object entries;
    if (root["reference_statistics"][section].get(entries)) {
      return invalid(fmt::format("no reference_statistics.{}", section));
    }
    for (auto [key, element] : entries) {
      auto stats = read_statistics(element);
      if (!stats) {
        return invalid(
            fmt::format("reference statistics of {}: {}", key, stats.error()));
      }
      if (section == "by_sensor") {
        m.statistics.set_sensor(std::string(key), stats.value());
      } else {
        m.statistics.set_type(std::string(key), stats.value());
      }
    }
  }
  auto model = xgboost_model::load(folder / "model.json");
  if (!model) return failure{model.error()};
  bundle.model = std::move(model.value());
  return bundle;
}

}  // namespace ntscada
