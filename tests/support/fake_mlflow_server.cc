#include "support/fake_mlflow_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <variant>

#include "common/json_writer.h"

namespace ntscada {

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Flask's response to an unknown path, as MLflow's server sends it.
constexpr std::string_view not_found_html =
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"
    "<h1>Not Found</h1>\n<p>The requested URL was not found on the server. "
    "If you entered the URL manually please check your spelling and try "
    "again.</p>\n";

constexpr std::string_view method_not_allowed_html =
    "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n"
    "<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the "
    "requested URL.</p>\n";

struct experiment {
  std::string id;
  std::string name;
  std::int64_t creation_time = 0;
};

struct metric_point {
  std::string key;
  std::string value_json;
  std::int64_t timestamp = 0;
  std::int64_t step = 0;
};

struct run {
  std::string id;
  std::string experiment_id;
  std::string name;
  std::string status = "RUNNING";
  std::int64_t start_time = 0;
  std::optional<std::int64_t> end_time;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<metric_point> metrics;
};

struct model_version {
  std::string source;
  std::string run_id;
  std::int64_t creation_timestamp = 0;
  std::string status = "READY";
};

struct registered_model {
  std::int64_t creation_timestamp = 0;
  std::int64_t last_updated_timestamp = 0;
  // Keyed by the integer version, so iteration is in version order.
  std::map<std::uint64_t, model_version> versions;
  std::map<std::string, std::uint64_t> aliases;
};

// An error response that a handler returns instead of a body.
struct api_error {
  int status;
  std::string error_code;
  std::string message;
};

api_error missing_parameter(std::string_view name) {
  return {400, "INVALID_PARAMETER_VALUE",
          fmt::format("Missing value for required parameter '{}'. See the "
                      "API docs for more information about request "
                      "parameters.",
                      name)};
}

api_error run_not_found(std::string_view run_id) {
  return {404, "RESOURCE_DOES_NOT_EXIST",
          fmt::format("Run with id={} not found", run_id)};
}

api_error model_not_found(std::string_view name) {
  return {404, "RESOURCE_DOES_NOT_EXIST",
          fmt::format("Registered Model with name={} not found", name)};
}

api_error version_not_found(std::string_view name, std::string_view version) {
  return {404, "RESOURCE_DOES_NOT_EXIST",
          fmt::format("Model Version (name={}, version={}) not found", name,
                      version)};
}

std::string error_json(const api_error& error) {
  std::string out;
  json_object_writer(out)
      .member("error_code", error.error_code)
      .member("message", error.message)
      .finish();
  return out;
}

std::optional<std::uint64_t> parse_version(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// Request parameters: the query string for GET, the JSON body otherwise.
class parameters {
 public:
  parameters(const httplib::Request& request, simdjson::dom::parser& parser)
      : request_(request) {
    if (request.method != "GET" && !request.body.empty()) {
      simdjson::dom::element root;
      if (parser.parse(request.body).get(root) == simdjson::SUCCESS &&
          root.is_object()) {
        body_ = root;
      } else {
        malformed_ = true;
      }
    }
  }

  bool malformed() const { return malformed_; }

  std::optional<std::string> get(std::string_view name) const {
    if (request_.method == "GET") {
      std::string key(name);
      if (!request_.has_param(key.c_str())) return std::nullopt;
      return request_.get_param_value(key.c_str());
    }
    if (!body_) return std::nullopt;
    std::string_view text;
    if ((*body_)[name].get(text) == simdjson::SUCCESS) return std::string(text);
    std::int64_t number = 0;
    if ((*body_)[name].get(number) == simdjson::SUCCESS) {
      return std::to_string(number);
    }
    return std::nullopt;
  }

  std::optional<simdjson::dom::array> array(std::string_view name) const {
    simdjson::dom::array value;
    if (body_ && (*body_)[name].get(value) == simdjson::SUCCESS) return value;
    return std::nullopt;
  }

 private:
  const httplib::Request& request_;
  std::optional<simdjson::dom::element> body_;
  bool malformed_ = false;
};

// A handler returns the JSON body of a 200 response or an error.
using handler_result = std::variant<std::string, api_error>;

}  // namespace

std::string recorded_request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (std::equal(key.begin(), key.end(), name.begin(), name.end(),
                   [](char a, char b) {
                     return std::tolower(static_cast<unsigned char>(a)) ==
                            std::tolower(static_cast<unsigned char>(b));
                   })) {
      return value;
    }
  }
  return "";
}

struct fake_mlflow_server::state {
  httplib::Server server;
  std::thread thread;
  int port = 0;

  mutable std::mutex mutex;
  std::vector<recorded_request> requests;
  int failures_left = 0;
  int failure_status = 503;
  std::string required_token;
  std::chrono::milliseconds delay{0};

  std::map<std::string, experiment> experiments;
  int next_experiment_id = 1;
  std::map<std::string, run> runs;
  int next_run_number = 1;
  std::map<std::string, std::string> artifacts;
  std::map<std::string, registered_model> models;

  // Records the request, then applies the test hooks. Returns true when a
  // hook produced the response.
  bool apply_hooks(const httplib::Request& request,
                   httplib::Response& response);
  void route(const httplib::Request& request, httplib::Response& response);

  handler_result get_experiment_by_name(const parameters& p);
  handler_result create_experiment(const parameters& p);
  handler_result create_run(const parameters& p);
  handler_result log_batch(const parameters& p);
  handler_result update_run(const parameters& p);
  handler_result get_run(const parameters& p);
  handler_result create_registered_model(const parameters& p);
  handler_result create_model_version(const parameters& p);
  handler_result get_model_version(const parameters& p);
  handler_result search_model_versions(const parameters& p);
  handler_result set_alias(const parameters& p);
  handler_result get_alias(const parameters& p);
  handler_result delete_alias(const parameters& p);

  std::string run_info_json(const run& r) const;
  std::string model_version_json(const std::string& name,
                                 const registered_model& model,
                                 std::uint64_t version) const;
  void serve_artifact(const std::string& path, httplib::Response& response);
};

bool fake_mlflow_server::state::apply_hooks(const httplib::Request& request,
                                            httplib::Response& response) {
  std::chrono::milliseconds wait{0};
  {
    std::lock_guard lock(mutex);
    recorded_request record;
    record.method = request.method;
    record.path = request.path;
    for (const auto& [key, value] : request.headers) {
      record.headers.emplace_back(key, value);
    }
    record.body = request.body;
    requests.push_back(std::move(record));
    wait = delay;
  }
  if (wait.count() > 0) std::this_thread::sleep_for(wait);

  std::lock_guard lock(mutex);
  if (failures_left > 0) {
    --failures_left;
    api_error error{
        failure_status,
        failure_status == 503 ? "TEMPORARILY_UNAVAILABLE" : "INTERNAL_ERROR",
        "injected failure of the fake MLflow server"};
    response.status = error.status;
    response.set_content(error_json(error), "application/json");
    return true;
  }
  if (!required_token.empty() &&
      request.get_header_value("Authorization") != "Bearer " + required_token) {
    response.status = 401;
    response.set_header("WWW-Authenticate", "Bearer");
    response.set_content("Unauthorized", "text/plain");
    return true;
  }
  return false;
}

void fake_mlflow_server::state::route(const httplib::Request& request,
                                      httplib::Response& response) {
  std::string_view path = request.path;
  std::string_view rest;
  for (std::string_view prefix : {"/api/2.0/", "/ajax-api/2.0/"}) {
    if (path.substr(0, prefix.size()) == prefix) {
      rest = path.substr(prefix.size());
      break;
    }
  }

  constexpr std::string_view artifacts_prefix = "mlflow-artifacts/artifacts/";
  if (rest.substr(0, artifacts_prefix.size()) == artifacts_prefix) {
    std::string key(rest.substr(artifacts_prefix.size()));
    if (request.method == "PUT") {
      std::lock_guard lock(mutex);
      artifacts[key] = request.body;
      response.set_content("{}", "application/json");
    } else if (request.method == "GET") {
      serve_artifact(key, response);
    } else {
      response.status = 405;
      response.set_content(std::string(method_not_allowed_html), "text/html");
    }
    return;
  }

  using member = handler_result (state::*)(const parameters&);
  struct endpoint {
    std::string_view method;
    std::string_view name;
    member handler;
  };
  static const endpoint endpoints[] = {
      {"GET", "mlflow/experiments/get-by-name", &state::get_experiment_by_name},
      {"POST", "mlflow/experiments/create", &state::create_experiment},
      {"POST", "mlflow/runs/create", &state::create_run},
      {"POST", "mlflow/runs/log-batch", &state::log_batch},
      {"POST", "mlflow/runs/update", &state::update_run},
      {"GET", "mlflow/runs/get", &state::get_run},
      {"POST", "mlflow/registered-models/create",
       &state::create_registered_model},
      {"POST", "mlflow/model-versions/create", &state::create_model_version},
      {"GET", "mlflow/model-versions/get", &state::get_model_version},
      {"GET", "mlflow/model-versions/search", &state::search_model_versions},
      {"POST", "mlflow/registered-models/alias", &state::set_alias},
      {"GET", "mlflow/registered-models/alias", &state::get_alias},
      {"DELETE", "mlflow/registered-models/alias", &state::delete_alias},
  };

  bool path_known = false;
  const endpoint* match = nullptr;
  if (!rest.empty()) {
    for (const endpoint& candidate : endpoints) {
      if (candidate.name != rest) continue;
      path_known = true;
      if (candidate.method == request.method) match = &candidate;
    }
  }
  if (!path_known) {
    response.status = 404;
    response.set_content(std::string(not_found_html), "text/html");
    return;
  }
  if (match == nullptr) {
    response.status = 405;
    response.set_content(std::string(method_not_allowed_html), "text/html");
    return;
  }

  auto send_error = [&](const api_error& error) {
    response.status = error.status;
    response.set_content(error_json(error), "application/json");
  };
  // MLflow checks the Content-Type of a request with a body before reading
  // parameters. A DELETE without a body reaches the parameter check.
  bool has_body_method = request.method == "POST" ||
                         request.method == "PATCH" ||
                         (request.method == "DELETE" && !request.body.empty());
  if (has_body_method) {
    std::string type = request.get_header_value("Content-Type");
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    if (type != "application/json") {
      send_error({400, "INVALID_PARAMETER_VALUE",
                  "Bad Request. Content-Type must be one of "
                  "['application/json']."});
      return;
    }
  }

  simdjson::dom::parser parser;
  parameters params(request, parser);
  if (params.malformed()) {
    send_error({400, "MALFORMED_REQUEST",
                "Malformed request: the body is not a JSON object"});
    return;
  }
  handler_result outcome;
  {
    std::lock_guard lock(mutex);
    outcome = (this->*(match->handler))(params);
  }
  if (auto* error = std::get_if<api_error>(&outcome)) {
    send_error(*error);
    return;
  }
  response.set_content(std::get<std::string>(outcome), "application/json");
}

void fake_mlflow_server::state::serve_artifact(const std::string& path,
                                               httplib::Response& response) {
  std::shared_ptr<const std::string> content;
  {
    std::lock_guard lock(mutex);
    auto found = artifacts.find(path);
    if (found != artifacts.end()) {
      content = std::make_shared<const std::string>(found->second);
    }
  }
  if (!content) {
    response.status = 500;
    response.set_content(
        error_json({500, "INTERNAL_ERROR",
                    fmt::format("The following failures occurred while "
                                "downloading one or more artifacts from "
                                "fake-artifact-store: [Errno 2] No such file "
                                "or directory: '{}'",
                                path)}),
        "application/json");
    return;
  }
  std::string filename = path.substr(path.rfind('/') + 1);
  bool is_text = filename.size() > 4 &&
                 filename.compare(filename.size() - 4, 4, ".txt") == 0;
  response.set_header("Content-Disposition",
                      fmt::format("attachment; filename={}", filename));
  // MLflow streams artifacts with chunked transfer encoding.
  response.set_chunked_content_provider(
      is_text ? "text/plain" : "application/octet-stream",
      [content](std::size_t offset, httplib::DataSink& sink) {
        constexpr std::size_t chunk_size = 64 * 1024;
        std::size_t length = std::min(chunk_size, content->size() - offset);
        if (length > 0 && !sink.write(content->data() + offset, length)) {
          return false;
        }
        if (offset + length >= content->size()) sink.done();
        return true;
      });
}

handler_result fake_mlflow_server::state::get_experiment_by_name(
    const parameters& p) {
  auto name = p.get("experiment_name");
  if (!name) return missing_parameter("experiment_name");
  for (const auto& [id, found] : experiments) {
    if (found.name != *name) continue;
    std::string experiment_json;
    json_object_writer(experiment_json)
        .member("experiment_id", id)
        .member("name", found.name)
        .member("artifact_location", "mlflow-artifacts:/" + id)
        .member("lifecycle_stage", "active")
        .member("last_update_time", found.creation_time)
        .member("creation_time", found.creation_time)
        .finish();
    std::string out;
    json_object_writer(out).raw_member("experiment", experiment_json).finish();
    return out;
  }
  return api_error{
      404, "RESOURCE_DOES_NOT_EXIST",
      fmt::format("Could not find experiment with name '{}'", *name)};
}

handler_result fake_mlflow_server::state::create_experiment(
    const parameters& p) {
  auto name = p.get("name");
  if (!name || name->empty()) return missing_parameter("name");
  for (const auto& [id, found] : experiments) {
    if (found.name == *name) {
      return api_error{400, "RESOURCE_ALREADY_EXISTS",
                       fmt::format("Experiment(name={}) already exists. "
                                   "Error: UNIQUE constraint failed",
                                   *name)};
    }
  }
  std::string id = std::to_string(next_experiment_id++);
  experiments[id] = experiment{id, *name, now_ms()};
  std::string out;
  json_object_writer(out).member("experiment_id", id).finish();
  return out;
}

std::string fake_mlflow_server::state::run_info_json(const run& r) const {
  std::string out;
  json_object_writer writer(out);
  writer.member("run_uuid", r.id)
      .member("experiment_id", r.experiment_id)
      .member("run_name", r.name)
      .member("user_id", "")
      .member("status", r.status)
      .member("start_time", r.start_time);
  if (r.end_time) writer.member("end_time", *r.end_time);
  writer
      .member("artifact_uri", fmt::format("mlflow-artifacts:/{}/{}/artifacts",
                                          r.experiment_id, r.id))
      .member("lifecycle_stage", "active")
      .member("run_id", r.id)
      .finish();
  return out;
}

handler_result fake_mlflow_server::state::create_run(const parameters& p) {
  std::string experiment_id = p.get("experiment_id").value_or("0");
  if (!experiments.contains(experiment_id)) {
    return api_error{
        404, "RESOURCE_DOES_NOT_EXIST",
        fmt::format("No Experiment with id={} exists", experiment_id)};
  }
  run created;
  int number = next_run_number++;
  created.id = fmt::format("{:032x}", 0xfa4e0000u + number);
  created.experiment_id = experiment_id;
  created.name = p.get("run_name").value_or(fmt::format("fake-run-{}", number));
  if (auto start = p.get("start_time")) created.start_time = std::stoll(*start);

  std::string tags = "[";
  json_object_writer(tags)
      .member("key", "mlflow.runName")
      .member("value", created.name)
      .finish();
  tags += ']';
  std::string data;
  json_object_writer(data).raw_member("tags", tags).finish();
  std::string run_json;
  json_object_writer(run_json)
      .raw_member("info", run_info_json(created))
      .raw_member("data", data)
      .finish();
  std::string out;
  json_object_writer(out).raw_member("run", run_json).finish();
  runs[created.id] = std::move(created);
  return out;
}

handler_result fake_mlflow_server::state::log_batch(const parameters& p) {
  auto run_id = p.get("run_id");
  if (!run_id) return missing_parameter("run_id");
  auto found = runs.find(*run_id);
  if (found == runs.end()) return run_not_found(*run_id);
  run& target = found->second;

  // Validates every entry before storing any, as MLflow does.
  std::vector<std::pair<std::string, std::string>> new_params;
  if (auto params = p.array("params")) {
    std::size_t index = 0;
    for (simdjson::dom::element param : *params) {
      std::string_view key;
      std::string_view value;
      if (param["key"].get(key) != simdjson::SUCCESS) {
        return missing_parameter(fmt::format("params[{}].key", index));
      }
      if (param["value"].get(value) != simdjson::SUCCESS) {
        return missing_parameter(fmt::format("params[{}].value", index));
      }
      for (const auto& [old_key, old_value] : target.params) {
        if (old_key == key && old_value != value) {
          return api_error{
              400, "INVALID_PARAMETER_VALUE",
              fmt::format("Changing param values is not allowed. Param with "
                          "key='{}' was already logged with value='{}' for "
                          "run ID='{}'. Attempted logging new value '{}'.",
                          key, old_value, *run_id, value)};
        }
      }
      new_params.emplace_back(key, value);
      ++index;
    }
  }
  std::vector<metric_point> new_metrics;
  if (auto metrics = p.array("metrics")) {
    std::size_t index = 0;
    for (simdjson::dom::element metric : *metrics) {
      metric_point point;
      std::string_view key;
      if (metric["key"].get(key) != simdjson::SUCCESS) {
        return missing_parameter(fmt::format("metrics[{}].key", index));
      }
      point.key = key;
      double number = 0;
      std::string_view special;
      if (metric["value"].get(number) == simdjson::SUCCESS) {
        point.value_json = fmt::format("{}", number);
      } else if (metric["value"].get(special) == simdjson::SUCCESS &&
                 (special == "NaN" || special == "Infinity" ||
                  special == "-Infinity")) {
        point.value_json = fmt::format("\"{}\"", special);
      } else {
        return missing_parameter(fmt::format("metrics[{}].value", index));
      }
      if (metric["timestamp"].get(point.timestamp) != simdjson::SUCCESS) {
        return missing_parameter(fmt::format("metrics[{}].timestamp", index));
      }
      if (metric["step"].get(point.step) != simdjson::SUCCESS) point.step = 0;
      new_metrics.push_back(std::move(point));
      ++index;
    }
  }
  for (auto& param : new_params) {
    bool known =
        std::any_of(target.params.begin(), target.params.end(),
                    [&](const auto& old) { return old.first == param.first; });
    if (!known) target.params.push_back(std::move(param));
  }
  for (auto& point : new_metrics) target.metrics.push_back(std::move(point));
  return std::string("{}");
}

handler_result fake_mlflow_server::state::update_run(const parameters& p) {
  auto run_id = p.get("run_id");
  if (!run_id) return missing_parameter("run_id");
  auto found = runs.find(*run_id);
  if (found == runs.end()) return run_not_found(*run_id);
  if (auto status = p.get("status")) found->second.status = *status;
  if (auto end = p.get("end_time")) found->second.end_time = std::stoll(*end);
  std::string out;
  json_object_writer(out)
      .raw_member("run_info", run_info_json(found->second))
      .finish();
  return out;
}

handler_result fake_mlflow_server::state::get_run(const parameters& p) {
  auto run_id = p.get("run_id");
  if (!run_id) return missing_parameter("run_id");
  auto found = runs.find(*run_id);
  if (found == runs.end()) return run_not_found(*run_id);
  const run& r = found->second;

  // runs/get reports the latest point of each metric, by step then time.
  std::map<std::string, const metric_point*> latest;
  for (const metric_point& point : r.metrics) {
    const metric_point*& slot = latest[point.key];
    if (slot == nullptr || std::tie(point.step, point.timestamp) >=
                               std::tie(slot->step, slot->timestamp)) {
      slot = &point;
    }
  }
  std::string metrics = "[";
  for (const auto& [key, point] : latest) {
    if (metrics.size() > 1) metrics += ',';
    json_object_writer(metrics)
        .member("key", key)
        .raw_member("value", point->value_json)
        .member("timestamp", point->timestamp)
        .member("step", point->step)
        .finish();
  }
  metrics += ']';
  std::string params = "[";
  for (const auto& [key, value] : r.params) {
    if (params.size() > 1) params += ',';
    json_object_writer(params)
        .member("key", key)
        .member("value", value)
        .finish();
  }
  params += ']';

  std::string data;
  json_object_writer data_writer(data);
  if (!r.metrics.empty()) data_writer.raw_member("metrics", metrics);
  if (!r.params.empty()) data_writer.raw_member("params", params);
  data_writer.finish();
  std::string run_json;
  json_object_writer(run_json)
      .raw_member("info", run_info_json(r))
      .raw_member("data", data)
      .raw_member("inputs", "{}")
      .finish();
  std::string out;
  json_object_writer(out).raw_member("run", run_json).finish();
  return out;
}

handler_result fake_mlflow_server::state::create_registered_model(
    const parameters& p) {
  auto name = p.get("name");
  if (!name || name->empty()) return missing_parameter("name");
  if (models.contains(*name)) {
    return api_error{400, "RESOURCE_ALREADY_EXISTS",
                     fmt::format("Registered Model (name={}) already exists. "
                                 "Error: UNIQUE constraint failed",
                                 *name)};
  }
  registered_model& model = models[*name];
  model.creation_timestamp = now_ms();
  model.last_updated_timestamp = model.creation_timestamp;
  std::string model_json;
  json_object_writer(model_json)
      .member("name", *name)
      .member("creation_timestamp", model.creation_timestamp)
      .member("last_updated_timestamp", model.last_updated_timestamp)
      .finish();
  std::string out;
  json_object_writer(out).raw_member("registered_model", model_json).finish();
  return out;
}

std::string fake_mlflow_server::state::model_version_json(
    const std::string& name, const registered_model& model,
    std::uint64_t version) const {
  const model_version& entry = model.versions.at(version);
  std::string aliases = "[";
  for (const auto& [alias, target] : model.aliases) {
    if (target != version) continue;
    if (aliases.size() > 1) aliases += ',';
    append_json_string(aliases, alias);
  }
  aliases += ']';

  std::string out;
  json_object_writer writer(out);
  writer.member("name", name)
      .member("version", std::to_string(version))
      .member("creation_timestamp", entry.creation_timestamp)
      .member("last_updated_timestamp", entry.creation_timestamp)
      .member("current_stage", "None")
      .member("description", "")
      .member("source", entry.source)
      .member("run_id", entry.run_id)
      .member("status", entry.status)
      .member("run_link", "");
  // MLflow leaves out an empty repeated field.
  if (aliases.size() > 2) writer.raw_member("aliases", aliases);
  writer.finish();
  return out;
}

handler_result fake_mlflow_server::state::create_model_version(
    const parameters& p) {
  auto name = p.get("name");
  if (!name) return missing_parameter("name");
  auto source = p.get("source");
  if (!source) return missing_parameter("source");
  auto found = models.find(*name);
  if (found == models.end()) return model_not_found(*name);
  // MLflow accepts a URI with a scheme ("mlflow-artifacts:/", "runs:/",
  // "s3://", ...) and rejects a bare local path.
  std::size_t colon = source->find(':');
  bool has_scheme =
      colon != std::string::npos && colon > 1 && source->find('/') > colon;
  if (!has_scheme) {
    return api_error{
        400, "INVALID_PARAMETER_VALUE",
        "To use a local path as a model version source, the run_id request "
        "parameter has to be specified and the local path has to be "
        "contained within the artifact directory of the run specified by "
        "the run_id."};
  }
  registered_model& model = found->second;
  std::uint64_t version =
      model.versions.empty() ? 1 : model.versions.rbegin()->first + 1;
  model.versions[version] =
      model_version{*source, p.get("run_id").value_or(""), now_ms()};
  model.last_updated_timestamp = now_ms();
  std::string out;
  json_object_writer(out)
      .raw_member("model_version", model_version_json(*name, model, version))
      .finish();
  return out;
}

handler_result fake_mlflow_server::state::get_model_version(
    const parameters& p) {
  auto name = p.get("name");
  if (!name) return missing_parameter("name");
  auto version_text = p.get("version");
  if (!version_text) return missing_parameter("version");
  auto found = models.find(*name);
  auto version = parse_version(*version_text);
  if (found == models.end() || !version ||
      !found->second.versions.contains(*version)) {
    return version_not_found(*name, *version_text);
  }
  std::string out;
  json_object_writer(out)
      .raw_member("model_version",
                  model_version_json(*name, found->second, *version))
      .finish();
  return out;
}

handler_result fake_mlflow_server::state::search_model_versions(
    const parameters& p) {
  // NOTE: only the filter name='<model>' (or with double quotes) is
  // supported; a real server also parses run_id, source_path and tags.
  std::string filter = p.get("filter").value_or("");
  std::string compact;
  for (char c : filter) {
    if (c != ' ') compact.push_back(c);
  }
  std::optional<std::string> name;
  if (compact.size() >= 7 && compact.compare(0, 5, "name=") == 0 &&
      (compact[5] == '\'' || compact[5] == '"') &&
      compact.back() == compact[5]) {
    name = compact.substr(6, compact.size() - 7);
  }
  if (!name) {
    return api_error{400, "INVALID_PARAMETER_VALUE",
                     fmt::format("The fake MLflow server supports only the "
                                 "filter name='<model>', got '{}'",
                                 filter)};
  }
  std::size_t page_size = 10000;
  if (auto max = p.get("max_results")) page_size = std::stoul(*max);
  std::size_t offset = 0;
  if (auto token = p.get("page_token")) offset = std::stoul(*token);

  // Newest first, like MLflow's default order by last update.
  std::vector<std::uint64_t> order;
  auto found = models.find(*name);
  if (found != models.end()) {
    for (const auto& [version, entry] : found->second.versions) {
      order.insert(order.begin(), version);
    }
  }
  std::string versions = "[";
  std::size_t end = std::min(order.size(), offset + page_size);
  for (std::size_t i = offset; i < end; ++i) {
    if (versions.size() > 1) versions += ',';
    versions += model_version_json(*name, found->second, order[i]);
  }
  versions += ']';

  std::string out;
  json_object_writer writer(out);
  if (end > offset) writer.raw_member("model_versions", versions);
  if (end < order.size()) writer.member("next_page_token", std::to_string(end));
  writer.finish();
  return out;
}

handler_result fake_mlflow_server::state::set_alias(const parameters& p) {
  auto name = p.get("name");
  if (!name) return missing_parameter("name");
  auto alias = p.get("alias");
  if (!alias) return missing_parameter("alias");
  auto version_text = p.get("version");
  if (!version_text) return missing_parameter("version");
  auto found = models.find(*name);
  if (found == models.end()) return model_not_found(*name);
  auto version = parse_version(*version_text);
  if (!version || !found->second.versions.contains(*version)) {
    return version_not_found(*name, *version_text);
  }
  found->second.aliases[*alias] = *version;
  return std::string("{}");
}

handler_result fake_mlflow_server::state::get_alias(const parameters& p) {
  auto name = p.get("name");
  if (!name) return missing_parameter("name");
  auto alias = p.get("alias");
  if (!alias) return missing_parameter("alias");
  auto found = models.find(*name);
  if (found == models.end()) return model_not_found(*name);
  auto target = found->second.aliases.find(*alias);
  if (target == found->second.aliases.end()) {
    return api_error{
        400, "INVALID_PARAMETER_VALUE",
        fmt::format("Registered model alias {} not found.", *alias)};
  }
  std::string out;
  json_object_writer(out)
      .raw_member("model_version",
                  model_version_json(*name, found->second, target->second))
      .finish();
  return out;
}

handler_result fake_mlflow_server::state::delete_alias(const parameters& p) {
  auto name = p.get("name");
  if (!name) return missing_parameter("name");
  auto alias = p.get("alias");
  if (!alias) return missing_parameter("alias");
  auto found = models.find(*name);
  if (found == models.end()) return model_not_found(*name);
  found->second.aliases.erase(*alias);
  return std::string("{}");
}

fake_mlflow_server::fake_mlflow_server() : state_(std::make_unique<state>()) {
  state& s = *state_;
  s.experiments["0"] = experiment{"0", "Default", now_ms()};

  // Every path goes through one handler, because httplib runs its
  // pre-routing handler before reading the body, which the record needs.
  auto route = [&s](const httplib::Request& request,
                    httplib::Response& response) {
    if (!s.apply_hooks(request, response)) s.route(request, response);
  };
  s.server.Get(".*", route);
  s.server.Post(".*", route);
  s.server.Put(".*", route);
  s.server.Patch(".*", route);
  s.server.Delete(".*", route);

  s.port = s.server.bind_to_any_port("127.0.0.1");
  if (s.port <= 0) {
    throw std::runtime_error(
        "fake MLflow server: binding a port on 127.0.0.1 failed");
  }
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!s.server.is_running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      s.server.stop();
      s.thread.join();
      throw std::runtime_error(
          "fake MLflow server: the listener did not start within 5 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

fake_mlflow_server::~fake_mlflow_server() {
  state_->server.stop();
  if (state_->thread.joinable()) state_->thread.join();
}

int fake_mlflow_server::port() const { return state_->port; }

std::string fake_mlflow_server::tracking_uri() const {
  return fmt::format("http://127.0.0.1:{}", state_->port);
}

bool fake_mlflow_server::set_version_status(const std::string& name,
                                            std::uint64_t version,
                                            std::string status) {
  std::lock_guard lock(state_->mutex);
  auto model = state_->models.find(name);
  if (model == state_->models.end()) return false;
  auto entry = model->second.versions.find(version);
  if (entry == model->second.versions.end()) return false;
  entry->second.status = std::move(status);
  return true;
}

void fake_mlflow_server::fail_next_requests(int count, int status) {
  std::lock_guard lock(state_->mutex);
  state_->failures_left = count;
  state_->failure_status = status;
}

void fake_mlflow_server::require_bearer_token(std::string token) {
  std::lock_guard lock(state_->mutex);
  state_->required_token = std::move(token);
}

void fake_mlflow_server::set_response_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(state_->mutex);
  state_->delay = delay;
}

std::vector<recorded_request> fake_mlflow_server::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

void fake_mlflow_server::clear_requests() {
  std::lock_guard lock(state_->mutex);
  state_->requests.clear();
}

}  // namespace ntscada
