#include "registry/mlflow_client.h"

#include <fmt/format.h>
#include <httplib.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <thread>
#include <utility>

#include "common/json_writer.h"
#include "common/logging.h"

namespace ntscada {

namespace {

// Limits of one runs/log-batch request in MLflow 2.x: 100 params and 1000
// entries in total. NOTE: the fake test server does not enforce them.
constexpr std::size_t max_params_per_batch = 100;
constexpr std::size_t max_entries_per_batch = 1000;

// Page size for model-versions/search.
constexpr int search_page_size = 1000;

std::shared_ptr<spdlog::logger>& logger() {
  static auto instance = module_logger("mlflow");
  return instance;
}

log_rate_limiter& retry_log_limiter() {
  static log_rate_limiter limiter(std::chrono::seconds(5));
  return limiter;
}

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

// Percent-encodes every byte except RFC 3986 unreserved characters and,
// when `keep_slash` is set, '/'.
std::string percent_encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      fmt::format_to(std::back_inserter(out), "%{:02X}",
                     static_cast<unsigned>(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

std::string query_string(
    std::initializer_list<std::pair<std::string_view, std::string_view>>
        params) {
  std::string out;
  for (const auto& [key, value] : params) {
    out += out.empty() ? '?' : '&';
    out += percent_encode(key, false);
    out += '=';
    out += percent_encode(value, false);
  }
  return out;
}

void append_metric_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
  } else if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

std::string param_array(const std::vector<mlflow_param>& params,
                        std::size_t begin, std::size_t end) {
  std::string out = "[";
  for (std::size_t i = begin; i < end; ++i) {
    if (i > begin) out += ',';
    json_object_writer(out)
        .member("key", params[i].key)
        .member("value", params[i].value)
        .finish();
  }
  out += ']';
  return out;
}

std::string metric_array(const std::vector<mlflow_metric>& metrics,
                         std::size_t begin, std::size_t end) {
  std::string out = "[";
  for (std::size_t i = begin; i < end; ++i) {
    if (i > begin) out += ',';
    const mlflow_metric& metric = metrics[i];
    std::string value;
    append_metric_value(value, metric.value);
    json_object_writer(out)
        .member("key", metric.key)
        .raw_member("value", value)
        .member("timestamp", metric.timestamp_ms)
        .member("step", metric.step)
        .finish();
  }
  out += ']';
  return out;
}

std::optional<std::string> string_field(simdjson::dom::element object,
                                        std::string_view key) {
  std::string_view value;
  if (object[key].get(value) != simdjson::SUCCESS) return std::nullopt;
  return std::string(value);
}

std::int64_t integer_field(simdjson::dom::element object,
                           std::string_view key) {
  std::int64_t value = 0;
  if (object[key].get(value) != simdjson::SUCCESS) return 0;
  return value;
}

// Parses a JSON response body and returns its member `key`.
result<simdjson::dom::element, std::string> parse_member(
    simdjson::dom::parser& parser, const std::string& body,
    std::string_view key, std::string_view operation) {
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) {
    return failure(
        fmt::format("MLflow {}: the response is not valid JSON", operation));
  }
  simdjson::dom::element member;
  if (root[key].get(member) != simdjson::SUCCESS) {
    return failure(fmt::format("MLflow {}: the response has no \"{}\" member",
                               operation, key));
  }
  return member;
}

result<mlflow_model_version, std::string> to_model_version(
    simdjson::dom::element object, std::string_view operation) {
  mlflow_model_version version;
  auto name = string_field(object, "name");
  auto number = string_field(object, "version");
  if (!name || !number) {
    return failure(fmt::format(
        "MLflow {}: the model version has no \"name\" or \"version\" string",
        operation));
  }
  version.name = std::move(*name);
  version.version = std::move(*number);
  version.source = string_field(object, "source").value_or("");
  version.run_id = string_field(object, "run_id").value_or("");
  version.status = string_field(object, "status").value_or("");
  version.current_stage = string_field(object, "current_stage").value_or("");
  version.description = string_field(object, "description").value_or("");
  version.creation_timestamp_ms = integer_field(object, "creation_timestamp");
  simdjson::dom::array aliases;
  if (object["aliases"].get(aliases) == simdjson::SUCCESS) {
    for (simdjson::dom::element alias : aliases) {
      std::string_view text;
      if (alias.get(text) == simdjson::SUCCESS) {
        version.aliases.emplace_back(text);
      }
    }
  }
  return version;
}

// Returns MLflow's error_code of an error received, or "" when the body is
// not an MLflow error object.
std::string error_code_of(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) return "";
  return string_field(root, "error_code").value_or("");
}

std::string describe_response(int status, const std::string& content_type,
                              const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) == simdjson::SUCCESS) {
    auto code = string_field(root, "error_code");
    if (code) {
      return fmt::format("HTTP {} {}: {}", status, *code,
                         string_field(root, "message").value_or(""));
    }
  }
  return fmt::format("HTTP {} with a non-MLflow body ({} bytes of {})", status,
                     body.size(),
                     content_type.empty() ? "unknown type" : content_type);
}

bool is_valid_run_status(std::string_view status) {
  return status == "FINISHED" || status == "FAILED" || status == "KILLED";
}

// Rejects ids that would change the meaning of an artifact proxy path.
result<std::monostate, std::string> check_path_component(
    std::string_view what, std::string_view value) {
  if (value.empty() || value == "." || value == ".." ||
      value.find('/') != std::string_view::npos) {
    return failure(
        fmt::format("invalid {} '{}': expected a non-empty id "
                    "without '/'",
                    what, value));
  }
  return std::monostate{};
}

result<std::monostate, std::string> check_artifact_path(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') {
    return failure(fmt::format(
        "invalid artifact path '{}': expected a relative file path", path));
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return failure(fmt::format(
          "invalid artifact path '{}': empty, '.' or '..' segment", path));
    }
    start = end + 1;
  }
  return std::monostate{};
}

// Quotes `name` for an MLflow search filter.
result<std::string, std::string> quote_filter_value(std::string_view name) {
  if (name.find('\'') == std::string_view::npos) {
    return fmt::format("'{}'", name);
  }
  if (name.find('"') == std::string_view::npos) {
    return fmt::format("\"{}\"", name);
  }
  return failure(fmt::format(
      "model name '{}' contains both quote characters, which an MLflow "
      "search filter cannot express",
      name));
}

std::chrono::milliseconds backoff_delay(const mlflow_retry_policy& policy,
                                        int retry) {
  double delay_ms = static_cast<double>(policy.initial_backoff.count()) *
                    std::pow(policy.multiplier, retry - 1);
  delay_ms =
      std::min(delay_ms, static_cast<double>(policy.max_backoff.count()));
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(delay_ms * jitter(generator)));
}

}  // namespace

result<std::uint64_t, std::string> parse_model_version(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() ||
      end != text.data() + text.size() || value == 0) {
    return failure(fmt::format(
        "invalid model version '{}': expected a positive decimal integer",
        text));
  }
  return value;
}

result<std::strong_ordering, std::string> compare_model_versions(
    std::string_view left, std::string_view right) {
  auto left_value = parse_model_version(left);
  if (!left_value) return failure(left_value.error());
  auto right_value = parse_model_version(right);
  if (!right_value) return failure(right_value.error());
  return *left_value <=> *right_value;
}

mlflow_client::mlflow_client(mlflow_client_config config)
    : config_(std::move(config)) {}

result<mlflow_client, std::string> mlflow_client::create(
    mlflow_client_config config) {
  std::string_view uri = config.tracking_uri;
  std::size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) {
    return failure(fmt::format(
        "invalid MLflow tracking URI '{}': expected http://host:port", uri));
  }
  std::string_view scheme = uri.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return failure(fmt::format(
        "invalid MLflow tracking URI '{}': the scheme must be http or https",
        uri));
  }
  std::size_t authority_start = scheme_end + 3;
  std::size_t path_start = uri.find('/', authority_start);
  if (path_start == std::string_view::npos) path_start = uri.size();
  std::string_view authority =
      uri.substr(authority_start, path_start - authority_start);
  if (authority.find('@') != std::string_view::npos) {
    // The URI is left out of this message because it contains credentials.
    return failure(std::string(
        "invalid MLflow tracking URI: credentials in the URI are not "
        "supported; set bearer_token or username and password instead"));
  }
  if (authority.empty()) {
    return failure(fmt::format(
        "invalid MLflow tracking URI '{}': the host is missing", uri));
  }
  if (uri.find_first_of("?#") != std::string_view::npos) {
    return failure(fmt::format(
        "invalid MLflow tracking URI '{}': a query or fragment is not "
        "allowed",
        uri));
  }
  std::string_view prefix = uri.substr(path_start);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);

  const mlflow_retry_policy& retry = config.retry;
  if (retry.max_attempts < 1 || retry.initial_backoff.count() < 0 ||
      retry.max_backoff < retry.initial_backoff || retry.multiplier < 1.0) {
    return failure(std::string(
        "invalid MLflow retry policy: max_attempts must be at least 1, "
        "backoffs non-negative with max_backoff >= initial_backoff, and "
        "multiplier at least 1"));
  }
  if (config.connect_timeout.count() <= 0 || config.read_timeout.count() <= 0 ||
      config.write_timeout.count() <= 0) {
    return failure(
        std::string("invalid MLflow client timeouts: all must be positive"));
  }

  std::string origin(uri.substr(0, path_start));
  std::string path_prefix(prefix);
  mlflow_client client(std::move(config));
  client.origin_ = std::move(origin);
  client.path_prefix_ = std::move(path_prefix);
  return client;
}

std::string mlflow_client::api_path(std::string_view endpoint) const {
  return fmt::format("{}/api/2.0/mlflow/{}", path_prefix_, endpoint);
}

std::string mlflow_client::artifact_path(std::string_view experiment_id,
                                         std::string_view run_id,
                                         std::string_view path) const {
  return fmt::format("{}/api/2.0/mlflow-artifacts/artifacts/{}/{}/artifacts/{}",
                     path_prefix_, percent_encode(experiment_id, false),
                     percent_encode(run_id, false), percent_encode(path, true));
}

std::string mlflow_client::redact(std::string text) const {
  for (const std::string* secret : {&config_.bearer_token, &config_.password}) {
    if (secret->empty()) continue;
    std::size_t position = 0;
    while ((position = text.find(*secret, position)) != std::string::npos) {
      text.replace(position, secret->size(), "[redacted]");
      position += std::string_view("[redacted]").size();
    }
  }
  return text;
}

namespace {

template <class Duration>
void set_timeout(httplib::Client& client,
                 void (httplib::Client::*setter)(time_t, time_t),
                 Duration duration) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(duration);
  (client.*setter)(static_cast<time_t>(micros.count() / 1000000),
                   static_cast<time_t>(micros.count() % 1000000));
}

}  // namespace

result<mlflow_client::http_response, std::string>
mlflow_client::send_allowing_client_error(std::string_view operation,
                                          std::string_view method,
                                          const std::string& path,
                                          const std::string& body,
                                          std::string_view content_type) const {
  const int max_attempts = config_.retry.max_attempts;
  std::string last_failure;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    httplib::Client client(origin_);
    set_timeout(client, &httplib::Client::set_connection_timeout,
                config_.connect_timeout);
    set_timeout(client, &httplib::Client::set_read_timeout,
                config_.read_timeout);
    set_timeout(client, &httplib::Client::set_write_timeout,
                config_.write_timeout);
    // Paths and queries are percent-encoded here, and artifact bytes must
    // arrive unchanged, so httplib neither re-encodes nor decompresses.
    client.set_url_encode(false);
    client.set_decompress(false);
    if (!config_.bearer_token.empty()) {
      client.set_bearer_token_auth(config_.bearer_token);
    } else if (!config_.username.empty()) {
      client.set_basic_auth(config_.username, config_.password);
    }

    httplib::Headers headers;
    std::string type(content_type);
    httplib::Result response = [&] {
      if (method == "GET") return client.Get(path, headers);
      if (method == "POST") return client.Post(path, headers, body, type);
      if (method == "PUT") return client.Put(path, headers, body, type);
      return client.Delete(path, headers, body, type);
    }();

    if (response) {
      const int status = response->status;
      if (status < 500) {
        http_response received;
        received.status = status;
        received.content_type = response->get_header_value("Content-Type");
        received.body = std::move(response->body);
        return received;
      }
      last_failure = describe_response(
          status, response->get_header_value("Content-Type"), response->body);
    } else {
      last_failure = fmt::format("{} error talking to {}",
                                 httplib::to_string(response.error()), origin_);
    }
    last_failure = redact(std::move(last_failure));

    if (attempt == max_attempts) break;
    auto delay = backoff_delay(config_.retry, attempt);
    std::uint64_t suppressed = 0;
    if (retry_log_limiter().allow(suppressed)) {
      logger()->warn(
          "MLflow {} ({} {}) attempt {}/{} failed: {}; retrying in {} ms "
          "({} similar messages suppressed)",
          operation, method, path, attempt, max_attempts, last_failure,
          delay.count(), suppressed);
    }
    std::this_thread::sleep_for(delay);
  }
  return failure(fmt::format(
      "MLflow {} failed after {} attempt{}: {} ({} {})", operation,
      max_attempts, max_attempts == 1 ? "" : "s", last_failure, method, path));
}

result<mlflow_client::http_response, std::string> mlflow_client::send(
    std::string_view operation, std::string_view method,
    const std::string& path, const std::string& body,
    std::string_view content_type) const {
  auto received =
      send_allowing_client_error(operation, method, path, body, content_type);
  if (!received) return received;
  if (received->status >= 200 && received->status < 300) return received;
  return failure(redact(
      fmt::format("MLflow {} failed: {} ({} {})", operation,
                  describe_response(received->status, received->content_type,
                                    received->body),
                  method, path)));
}

namespace {

constexpr std::string_view json_type = "application/json";

std::string json_body(
    std::initializer_list<std::pair<std::string_view, std::string_view>>
        members) {
  std::string out;
  json_object_writer writer(out);
  for (const auto& [key, value] : members) writer.member(key, value);
  writer.finish();
  return out;
}

}  // namespace

result<std::string, std::string> mlflow_client::get_or_create_experiment(
    std::string_view name) {
  constexpr std::string_view operation = "get or create experiment";
  const std::string lookup_path = api_path("experiments/get-by-name") +
                                  query_string({{"experiment_name", name}});

  auto id_of =
      [&](const http_response& received) -> result<std::string, std::string> {
    simdjson::dom::parser parser;
    auto experiment =
        parse_member(parser, received.body, "experiment", operation);
    if (!experiment) return failure(experiment.error());
    auto id = string_field(*experiment, "experiment_id");
    if (!id) {
      return failure(fmt::format(
          "MLflow {}: the experiment has no \"experiment_id\" string",
          operation));
    }
    if (string_field(*experiment, "lifecycle_stage").value_or("") ==
        "deleted") {
      return failure(fmt::format(
          "MLflow {}: experiment '{}' (id {}) is deleted; restore it or "
          "use another name",
          operation, name, *id));
    }
    return *id;
  };

  auto lookup =
      send_allowing_client_error(operation, "GET", lookup_path, "", "");
  if (!lookup) return failure(lookup.error());
  if (lookup->status == 200) return id_of(*lookup);
  if (lookup->status != 404 ||
      error_code_of(lookup->body) != "RESOURCE_DOES_NOT_EXIST") {
    return failure(redact(fmt::format(
        "MLflow {} failed: {} (GET {})", operation,
        describe_response(lookup->status, lookup->content_type, lookup->body),
        lookup_path)));
  }

  const std::string create_path = api_path("experiments/create");
  auto created = send_allowing_client_error(
      operation, "POST", create_path, json_body({{"name", name}}), json_type);
  if (!created) return failure(created.error());
  if (created->status == 200) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view id;
    if (parser.parse(created->body).get(root) != simdjson::SUCCESS ||
        root["experiment_id"].get(id) != simdjson::SUCCESS) {
      return failure(fmt::format(
          "MLflow {}: the experiments/create response has no experiment_id",
          operation));
    }
    logger()->info("created MLflow experiment '{}' with id {}", name, id);
    return std::string(id);
  }
  if (created->status == 400 &&
      error_code_of(created->body) == "RESOURCE_ALREADY_EXISTS") {
    // Another client created it between the lookup and the create.
    auto again = send(operation, "GET", lookup_path, "", "");
    if (!again) return failure(again.error());
    return id_of(*again);
  }
  return failure(redact(fmt::format(
      "MLflow {} failed: {} (POST {})", operation,
      describe_response(created->status, created->content_type, created->body),
      create_path)));
}

result<std::string, std::string> mlflow_client::create_run(
    std::string_view experiment_id, std::string_view run_name,
    std::int64_t start_time_ms) {
  constexpr std::string_view operation = "create run";
  std::string body;
  json_object_writer writer(body);
  writer.member("experiment_id", experiment_id);
  if (!run_name.empty()) writer.member("run_name", run_name);
  writer.member("start_time", start_time_ms);
  writer.finish();

  auto received =
      send(operation, "POST", api_path("runs/create"), body, json_type);
  if (!received) return failure(received.error());
  simdjson::dom::parser parser;
  auto run = parse_member(parser, received->body, "run", operation);
  if (!run) return failure(run.error());
  simdjson::dom::element info;
  std::string_view run_id;
  if ((*run)["info"].get(info) != simdjson::SUCCESS ||
      info["run_id"].get(run_id) != simdjson::SUCCESS) {
    return failure(fmt::format(
        "MLflow {}: the response has no run.info.run_id string", operation));
  }
  return std::string(run_id);
}

result<std::monostate, std::string> mlflow_client::log_batch(
    std::string_view run_id, const std::vector<mlflow_param>& params,
    const std::vector<mlflow_metric>& metrics) {
  constexpr std::string_view operation = "log batch";
  std::size_t next_param = 0;
  std::size_t next_metric = 0;
  // Splits the batch so that each request stays within MLflow's limits.
  do {
    std::size_t param_end =
        std::min(params.size(), next_param + max_params_per_batch);
    std::size_t room = max_entries_per_batch - (param_end - next_param);
    std::size_t metric_end = std::min(metrics.size(), next_metric + room);

    std::string body;
    json_object_writer(body)
        .member("run_id", run_id)
        .raw_member("params", param_array(params, next_param, param_end))
        .raw_member("metrics", metric_array(metrics, next_metric, metric_end))
        .finish();
    auto received =
        send(operation, "POST", api_path("runs/log-batch"), body, json_type);
    if (!received) return failure(received.error());
    next_param = param_end;
    next_metric = metric_end;
  } while (next_param < params.size() || next_metric < metrics.size());
  return std::monostate{};
}

result<std::monostate, std::string> mlflow_client::set_run_terminated(
    std::string_view run_id, std::string_view status,
    std::int64_t end_time_ms) {
  if (!is_valid_run_status(status)) {
    return failure(fmt::format(
        "invalid run status '{}': expected FINISHED, FAILED or KILLED",
        status));
  }
  std::string body;
  json_object_writer(body)
      .member("run_id", run_id)
      .member("status", status)
      .member("end_time", end_time_ms)
      .finish();
  auto received = send("set run terminated", "POST", api_path("runs/update"),
                       body, json_type);
  if (!received) return failure(received.error());
  return std::monostate{};
}

result<std::monostate, std::string> mlflow_client::upload_artifact(
    std::string_view experiment_id, std::string_view run_id,
    std::string_view path, std::string_view content) {
  for (auto check :
       {check_path_component("experiment id", experiment_id),
        check_path_component("run id", run_id), check_artifact_path(path)}) {
    if (!check) return failure(check.error());
  }
  auto received =
      send("upload artifact", "PUT", artifact_path(experiment_id, run_id, path),
           std::string(content), "application/octet-stream");
  if (!received) return failure(received.error());
  return std::monostate{};
}

result<std::string, std::string> mlflow_client::download_artifact(
    std::string_view experiment_id, std::string_view run_id,
    std::string_view path) {
  for (auto check :
       {check_path_component("experiment id", experiment_id),
        check_path_component("run id", run_id), check_artifact_path(path)}) {
    if (!check) return failure(check.error());
  }
  auto received = send("download artifact", "GET",
                       artifact_path(experiment_id, run_id, path), "", "");
  if (!received) return failure(received.error());
  return std::move(received->body);
}

result<std::monostate, std::string> mlflow_client::create_registered_model(
    std::string_view name) {
  constexpr std::string_view operation = "create registered model";
  const std::string path = api_path("registered-models/create");
  auto received = send_allowing_client_error(
      operation, "POST", path, json_body({{"name", name}}), json_type);
  if (!received) return failure(received.error());
  if (received->status == 200) {
    logger()->info("created MLflow registered model '{}'", name);
    return std::monostate{};
  }
  if (received->status == 400 &&
      error_code_of(received->body) == "RESOURCE_ALREADY_EXISTS") {
    return std::monostate{};
  }
  return failure(redact(
      fmt::format("MLflow {} failed: {} (POST {})", operation,
                  describe_response(received->status, received->content_type,
                                    received->body),
                  path)));
}

result<mlflow_model_version, std::string> mlflow_client::create_model_version(
    std::string_view name, std::string_view experiment_id,
    std::string_view run_id, std::string_view path) {
  constexpr std::string_view operation = "create model version";
  for (auto check :
       {check_path_component("experiment id", experiment_id),
        check_path_component("run id", run_id), check_artifact_path(path)}) {
    if (!check) return failure(check.error());
  }
  std::string source = fmt::format("mlflow-artifacts:/{}/{}/artifacts/{}",
                                   experiment_id, run_id, path);
  auto received =
      send(operation, "POST", api_path("model-versions/create"),
           json_body({{"name", name}, {"source", source}, {"run_id", run_id}}),
           json_type);
  if (!received) return failure(received.error());
  simdjson::dom::parser parser;
  auto version =
      parse_member(parser, received->body, "model_version", operation);
  if (!version) return failure(version.error());
  auto parsed = to_model_version(*version, operation);
  if (parsed) {
    logger()->info("registered version {} of MLflow model '{}' from {}",
                   parsed->version, name, source);
  }
  return parsed;
}

result<mlflow_model_version, std::string> mlflow_client::get_model_version(
    std::string_view name, std::string_view version) {
  constexpr std::string_view operation = "get model version";
  auto received = send(operation, "GET",
                       api_path("model-versions/get") +
                           query_string({{"name", name}, {"version", version}}),
                       "", "");
  if (!received) return failure(received.error());
  simdjson::dom::parser parser;
  auto object =
      parse_member(parser, received->body, "model_version", operation);
  if (!object) return failure(object.error());
  return to_model_version(*object, operation);
}

result<std::vector<mlflow_model_version>, std::string>
mlflow_client::search_model_versions(std::string_view name) {
  constexpr std::string_view operation = "search model versions";
  auto quoted = quote_filter_value(name);
  if (!quoted) return failure(quoted.error());
  const std::string filter = "name=" + *quoted;
  const std::string page_size = std::to_string(search_page_size);

  std::vector<mlflow_model_version> versions;
  std::string page_token;
  do {
    std::string path = api_path("model-versions/search");
    if (page_token.empty()) {
      path += query_string({{"filter", filter}, {"max_results", page_size}});
    } else {
      path += query_string({{"filter", filter},
                            {"max_results", page_size},
                            {"page_token", page_token}});
    }
    auto received = send(operation, "GET", path, "", "");
    if (!received) return failure(received.error());

    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(received->body).get(root) != simdjson::SUCCESS) {
      return failure(
          fmt::format("MLflow {}: the response is not valid JSON", operation));
    }
    // MLflow leaves out "model_versions" when no version matches.
    simdjson::dom::array page;
    if (root["model_versions"].get(page) == simdjson::SUCCESS) {
      for (simdjson::dom::element element : page) {
        auto version = to_model_version(element, operation);
        if (!version) return failure(version.error());
        versions.push_back(std::move(*version));
      }
    }
    page_token = string_field(root, "next_page_token").value_or("");
  } while (!page_token.empty());

  std::vector<std::pair<std::uint64_t, mlflow_model_version>> keyed;
  keyed.reserve(versions.size());
  for (auto& version : versions) {
    auto number = parse_model_version(version.version);
    if (!number) {
      return failure(fmt::format("MLflow {}: {}", operation, number.error()));
    }
    keyed.emplace_back(*number, std::move(version));
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  versions.clear();
  for (auto& entry : keyed) versions.push_back(std::move(entry.second));
  return versions;
}

result<std::monostate, std::string> mlflow_client::set_model_alias(
    std::string_view name, std::string_view alias, std::string_view version) {
  auto received =
      send("set model alias", "POST", api_path("registered-models/alias"),
           json_body({{"name", name}, {"alias", alias}, {"version", version}}),
           json_type);
  if (!received) return failure(received.error());
  logger()->info("set alias '{}' of MLflow model '{}' to version {}", alias,
                 name, version);
  return std::monostate{};
}

result<mlflow_model_version, std::string>
mlflow_client::get_model_version_by_alias(std::string_view name,
                                          std::string_view alias) {
  constexpr std::string_view operation = "get model version by alias";
  auto received = send(operation, "GET",
                       api_path("registered-models/alias") +
                           query_string({{"name", name}, {"alias", alias}}),
                       "", "");
  if (!received) return failure(received.error());
  simdjson::dom::parser parser;
  auto object =
      parse_member(parser, received->body, "model_version", operation);
  if (!object) return failure(object.error());
  return to_model_version(*object, operation);
}

result<std::monostate, std::string> mlflow_client::delete_model_alias(
    std::string_view name, std::string_view alias) {
  // MLflow reads DELETE parameters from the JSON body, not the query.
  auto received =
      send("delete model alias", "DELETE", api_path("registered-models/alias"),
           json_body({{"name", name}, {"alias", alias}}), json_type);
  if (!received) return failure(received.error());
  logger()->info("deleted alias '{}' of MLflow model '{}'", alias, name);
  return std::monostate{};
}

}  // namespace ntscada
