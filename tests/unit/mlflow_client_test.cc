#include "registry/mlflow_client.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>

#include <chrono>
#include <random>
#include <sstream>

#include "common/logging.h"
#include "support/fake_mlflow_server.h"

namespace ntscada {
namespace {

mlflow_client_config fast_config(const std::string& uri) {
  mlflow_client_config config;
  config.tracking_uri = uri;
  config.connect_timeout = std::chrono::milliseconds(1000);
  config.read_timeout = std::chrono::milliseconds(5000);
  config.write_timeout = std::chrono::milliseconds(5000);
  config.retry.max_attempts = 4;
  config.retry.initial_backoff = std::chrono::milliseconds(5);
  config.retry.max_backoff = std::chrono::milliseconds(20);
  return config;
}

mlflow_client make_client(const mlflow_client_config& config) {
  auto client = mlflow_client::create(config);
  EXPECT_TRUE(client.has_value()) << client.error();
  return std::move(client).value();
}

std::string random_bytes(std::size_t size) {
  std::mt19937 generator(42);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(byte(generator));
  return out;
}

TEST(MlflowClient, FullRegisterFlow) {
  fake_mlflow_server server;
  mlflow_client client = make_client(fast_config(server.tracking_uri()));

  auto experiment = client.get_or_create_experiment("cpp-client-exp");
  ASSERT_TRUE(experiment) << experiment.error();
  EXPECT_EQ(*experiment, "1");
  auto same = client.get_or_create_experiment("cpp-client-exp");
  ASSERT_TRUE(same) << same.error();
  EXPECT_EQ(*same, *experiment);

  auto run = client.create_run(*experiment, "r1", 1796398020205);
  ASSERT_TRUE(run) << run.error();
  EXPECT_EQ(run->size(), 32u);

  auto logged =
      client.log_batch(*run, {{"lr", "0.01"}, {"bs", "32"}},
                       {{"loss", 0.4, 1796398020205, 2},
                        {"acc", 0.9, 1796398020205, 2},
                        {"nan_metric", std::nan(""), 1796398020205, 2}});
  ASSERT_TRUE(logged) << logged.error();

  const std::string model_bytes = random_bytes(1 << 20);
  auto uploaded =
      client.upload_artifact(*experiment, *run, "model/model.bin", model_bytes);
  ASSERT_TRUE(uploaded) << uploaded.error();
  auto downloaded =
      client.download_artifact(*experiment, *run, "model/model.bin");
  ASSERT_TRUE(downloaded) << downloaded.error();
  EXPECT_EQ(downloaded->size(), model_bytes.size());
  EXPECT_TRUE(*downloaded == model_bytes);

  auto text_uploaded =
      client.upload_artifact(*experiment, *run, "dir/hello.txt", "hello\n");
  ASSERT_TRUE(text_uploaded) << text_uploaded.error();
  auto text = client.download_artifact(*experiment, *run, "dir/hello.txt");
  ASSERT_TRUE(text) << text.error();
  EXPECT_EQ(*text, "hello\n");

  auto terminated = client.set_run_terminated(*run, "FINISHED", 1796398021205);
  ASSERT_TRUE(terminated) << terminated.error();

  ASSERT_TRUE(client.create_registered_model("cpp-model"));
  auto again = client.create_registered_model("cpp-model");
  EXPECT_TRUE(again) << again.error();

  auto version =
      client.create_model_version("cpp-model", *experiment, *run, "model");
  ASSERT_TRUE(version) << version.error();
  EXPECT_EQ(version->version, "1");
  EXPECT_EQ(version->source,
            "mlflow-artifacts:/1/" + *run + "/artifacts/model");
  EXPECT_EQ(version->run_id, *run);
  EXPECT_TRUE(version->is_ready());

  auto fetched = client.get_model_version("cpp-model", "1");
  ASSERT_TRUE(fetched) << fetched.error();
  EXPECT_EQ(fetched->status, "READY");
  EXPECT_TRUE(fetched->aliases.empty());

  auto alias_set = client.set_model_alias("cpp-model", "champion", "1");
  ASSERT_TRUE(alias_set) << alias_set.error();
  auto by_alias = client.get_model_version_by_alias("cpp-model", "champion");
  ASSERT_TRUE(by_alias) << by_alias.error();
  EXPECT_EQ(by_alias->version, "1");
  ASSERT_EQ(by_alias->aliases.size(), 1u);
  EXPECT_EQ(by_alias->aliases[0], "champion");

  auto alias_deleted = client.delete_model_alias("cpp-model", "champion");
  ASSERT_TRUE(alias_deleted) << alias_deleted.error();
  auto gone = client.get_model_version_by_alias("cpp-model", "champion");
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().find("HTTP 400 INVALID_PARAMETER_VALUE"),
            std::string::npos)
      << gone.error();
  EXPECT_NE(gone.error().find("alias champion not found"), std::string::npos)
      << gone.error();

  // Each recorded JSON request carried the JSON content type, and the
  // DELETE sent its parameters in the body.
  for (const recorded_request& request : server.requests()) {
    if (request.method == "POST" || request.method == "DELETE") {
      EXPECT_EQ(request.header("Content-Type"), "application/json")
          << request.method << " " << request.path;
    }
    if (request.method == "DELETE") {
      EXPECT_EQ(request.body, R"({"name":"cpp-model","alias":"champion"})");
    }
  }

  // The fake stored what log-batch sent.
  httplib::Client raw(server.tracking_uri());
  auto stored = raw.Get("/api/2.0/mlflow/runs/get?run_id=" + *run);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, 200);
  EXPECT_NE(stored->body.find(R"({"key":"lr","value":"0.01"})"),
            std::string::npos)
      << stored->body;
  EXPECT_NE(stored->body.find(R"("value":"NaN")"), std::string::npos)
      << stored->body;
  EXPECT_NE(stored->body.find(R"("status":"FINISHED")"), std::string::npos)
      << stored->body;
}

TEST(MlflowClient, MissingArtifactFailsWith500) {
  fake_mlflow_server server;
  mlflow_client_config config = fast_config(server.tracking_uri());
  config.retry.max_attempts = 2;
  mlflow_client client = make_client(config);
  auto missing = client.download_artifact("1", "abc", "nope.txt");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("HTTP 500 INTERNAL_ERROR"), std::string::npos)
      << missing.error();
  EXPECT_NE(missing.error().find("download artifact"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(MlflowClient, RetriesServiceUnavailable) {
  fake_mlflow_server server;
  mlflow_client client = make_client(fast_config(server.tracking_uri()));
  server.fail_next_requests(2, 503);
  auto experiment = client.get_or_create_experiment("retry-exp");
  ASSERT_TRUE(experiment) << experiment.error();
  // Two failed lookups, the lookup that finds nothing, then the create.
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].path, "/api/2.0/mlflow/experiments/get-by-name");
  EXPECT_EQ(requests[2].path, "/api/2.0/mlflow/experiments/get-by-name");
  EXPECT_EQ(requests[3].path, "/api/2.0/mlflow/experiments/create");
}

TEST(MlflowClient, GivesUpAfterMaxAttempts) {
  fake_mlflow_server server;
  mlflow_client_config config = fast_config(server.tracking_uri());
  config.retry.max_attempts = 3;
  mlflow_client client = make_client(config);
  server.fail_next_requests(10, 500);
  auto created = client.create_registered_model("m");
  ASSERT_FALSE(created);
  EXPECT_NE(created.error().find("after 3 attempts"), std::string::npos)
      << created.error();
  EXPECT_NE(created.error().find("HTTP 500 INTERNAL_ERROR"), std::string::npos)
      << created.error();
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(MlflowClient, NoRetryOnBadRequest) {
  fake_mlflow_server server;
  mlflow_client client = make_client(fast_config(server.tracking_uri()));
  auto experiment = client.get_or_create_experiment("e");
  ASSERT_TRUE(experiment) << experiment.error();
  auto run = client.create_run(*experiment, "r", 0);
  ASSERT_TRUE(run) << run.error();
  ASSERT_TRUE(client.log_batch(*run, {{"lr", "0.01"}}, {}));
  server.clear_requests();

  auto changed = client.log_batch(*run, {{"lr", "0.02"}}, {});
  ASSERT_FALSE(changed);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_NE(changed.error().find("log batch"), std::string::npos)
      << changed.error();
  EXPECT_NE(changed.error().find("HTTP 400 INVALID_PARAMETER_VALUE"),
            std::string::npos)
      << changed.error();
  EXPECT_NE(changed.error().find("Changing param values is not allowed"),
            std::string::npos)
      << changed.error();
}

TEST(MlflowClient, NotFoundIsNotRetried) {
  fake_mlflow_server server;
  mlflow_client client = make_client(fast_config(server.tracking_uri()));
  auto version = client.get_model_version("nope", "1");
  ASSERT_FALSE(version);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_NE(version.error().find("HTTP 404 RESOURCE_DOES_NOT_EXIST"),
            std::string::npos)
      << version.error();
}

TEST(MlflowClient, BearerTokenSentNeverShown) {
  const std::string token = "s3cr3t-token-value";
  fake_mlflow_server server;
  server.require_bearer_token(token);

  std::ostringstream log_output;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_output);
  auto logger = module_logger("mlflow");
  logger->sinks().push_back(sink);
  auto previous_level = logger->level();
  logger->set_level(spdlog::level::trace);

  mlflow_client_config config = fast_config(server.tracking_uri());
  config.bearer_token = token;
  mlflow_client client = make_client(config);
  auto experiment = client.get_or_create_experiment("token-exp");
  ASSERT_TRUE(experiment) << experiment.error();

  // An id that the server echoes in its error message.
  auto run = client.create_run(token, "r", 0);
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().find(token), std::string::npos) << run.error();
  EXPECT_NE(run.error().find("[redacted]"), std::string::npos) << run.error();

  server.fail_next_requests(1, 503);
  ASSERT_TRUE(client.create_registered_model("token-model"));

  mlflow_client_config wrong = config;
  wrong.bearer_token = "other-token";
  mlflow_client unauthorized = make_client(wrong);
  auto rejected = unauthorized.create_registered_model("m");
  ASSERT_FALSE(rejected);
  EXPECT_NE(rejected.error().find("HTTP 401"), std::string::npos)
      << rejected.error();
  EXPECT_EQ(rejected.error().find("other-token"), std::string::npos)
      << rejected.error();

  logger->sinks().pop_back();
  logger->set_level(previous_level);
  EXPECT_FALSE(log_output.str().empty());
  EXPECT_EQ(log_output.str().find(token), std::string::npos)
      << log_output.str();

  for (const recorded_request& request : server.requests()) {
    if (request.path.find("token-model") != std::string::npos) continue;
    EXPECT_TRUE(request.header("Authorization") == "Bearer " + token ||
                request.header("Authorization") == "Bearer other-token")
        << request.path;
  }
  EXPECT_EQ(server.requests().front().header("Authorization"),
            "Bearer " + token);
}

TEST(MlflowClient, ConnectionRefusedIsBounded) {
  int closed_port = 0;
  {
    fake_mlflow_server server;
    closed_port = server.port();
  }
  mlflow_client_config config =
      fast_config("http://127.0.0.1:" + std::to_string(closed_port));
  config.retry.max_attempts = 3;
  mlflow_client client = make_client(config);

  auto started = std::chrono::steady_clock::now();
  auto experiment = client.get_or_create_experiment("e");
  auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(experiment);
  EXPECT_NE(experiment.error().find("after 3 attempts"), std::string::npos)
      << experiment.error();
  EXPECT_NE(experiment.error().find("Connection"), std::string::npos)
      << experiment.error();
  EXPECT_NE(experiment.error().find("get or create experiment"),
            std::string::npos)
      << experiment.error();
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(MlflowClient, ReadTimeoutIsRetried) {
  fake_mlflow_server server;
  server.set_response_delay(std::chrono::milliseconds(400));
  mlflow_client_config config = fast_config(server.tracking_uri());
  config.read_timeout = std::chrono::milliseconds(100);
  config.retry.max_attempts = 2;
  mlflow_client client = make_client(config);
  auto model = client.create_registered_model("slow");
  ASSERT_FALSE(model);
  EXPECT_NE(model.error().find("after 2 attempts"), std::string::npos)
      << model.error();
  EXPECT_NE(model.error().find("Read"), std::string::npos) << model.error();
}

TEST(MlflowClient, PathPrefixIsPrepended) {
  fake_mlflow_server server;
  mlflow_client client =
      make_client(fast_config(server.tracking_uri() + "/prefix/"));
  auto model = client.create_registered_model("m");
  ASSERT_FALSE(model);
  EXPECT_NE(model.error().find("HTTP 404 with a non-MLflow body"),
            std::string::npos)
      << model.error();
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].path,
            "/prefix/api/2.0/mlflow/registered-models/create");
}

TEST(MlflowClient, RejectsInvalidConfig) {
  mlflow_client_config config = fast_config("ftp://127.0.0.1:1");
  EXPECT_FALSE(mlflow_client::create(config));
  config.tracking_uri = "http://user:pw@127.0.0.1:1";
  auto with_credentials = mlflow_client::create(config);
  ASSERT_FALSE(with_credentials);
  EXPECT_EQ(with_credentials.error().find("pw"), std::string::npos);
  config.tracking_uri = "http://127.0.0.1:1";
  config.retry.max_attempts = 0;
  EXPECT_FALSE(mlflow_client::create(config));
}

TEST(MlflowClient, RejectsUnsafeArtifactPaths) {
  fake_mlflow_server server;
  mlflow_client client = make_client(fast_config(server.tracking_uri()));
  EXPECT_FALSE(client.upload_artifact("1", "r", "../escape", "x"));
  EXPECT_FALSE(client.upload_artifact("1", "r", "/abs", "x"));
  EXPECT_FALSE(client.upload_artifact("1", "a/b", "file", "x"));
  EXPECT_TRUE(server.requests().empty());
}

TEST(ModelVersion, ComparesAsIntegers) {
  auto nine_ten = compare_model_versions("9", "10");
  ASSERT_TRUE(nine_ten) << nine_ten.error();
  EXPECT_TRUE(*nine_ten == std::strong_ordering::less);
  auto ten_nine = compare_model_versions("10", "9");
  ASSERT_TRUE(ten_nine) << ten_nine.error();
  EXPECT_TRUE(*ten_nine == std::strong_ordering::greater);
  auto equal = compare_model_versions("2", "2");
  ASSERT_TRUE(equal) << equal.error();
  EXPECT_TRUE(*equal == std::strong_ordering::equal);
  EXPECT_FALSE(compare_model_versions("abc", "1"));
  EXPECT_FALSE(compare_model_versions("1", ""));
  EXPECT_FALSE(compare_model_versions("0", "1"));
  EXPECT_FALSE(parse_model_version("1.5"));
}

TEST(ModelVersion, SearchSortsNumerically) {
  fake_mlflow_server server;
  mlflow_client client = make_client(fast_config(server.tracking_uri()));
  auto experiment = client.get_or_create_experiment("e");
  ASSERT_TRUE(experiment) << experiment.error();
  auto run = client.create_run(*experiment, "r", 0);
  ASSERT_TRUE(run) << run.error();
  ASSERT_TRUE(client.create_registered_model("many"));
  for (int i = 0; i < 11; ++i) {
    auto version = client.create_model_version("many", *experiment, *run, "m");
    ASSERT_TRUE(version) << version.error();
  }
  auto versions = client.search_model_versions("many");
  ASSERT_TRUE(versions) << versions.error();
  ASSERT_EQ(versions->size(), 11u);
  EXPECT_EQ(versions->at(8).version, "9");
  EXPECT_EQ(versions->at(9).version, "10");
  EXPECT_EQ(versions->back().version, "11");

  auto none = client.search_model_versions("absent");
  ASSERT_TRUE(none) << none.error();
  EXPECT_TRUE(none->empty());
}

TEST(FakeMlflowServer, MatchesRecordedQuirks) {
  fake_mlflow_server server;
  httplib::Client raw(server.tracking_uri());

  auto plain = raw.Post("/api/2.0/mlflow/experiments/create", R"({"name":"x"})",
                        "text/plain");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 400);
  EXPECT_NE(plain->body.find("Content-Type must be one of"), std::string::npos);

  auto query_delete =
      raw.Delete("/api/2.0/mlflow/registered-models/alias?name=m&alias=a");
  ASSERT_TRUE(query_delete);
  EXPECT_EQ(query_delete->status, 400);
  EXPECT_NE(query_delete->body.find("Missing value for required parameter "
                                    "'name'"),
            std::string::npos);

  auto unknown = raw.Get("/api/2.0/mlflow/no-such-endpoint");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(unknown->body.find("<title>404 Not Found</title>"),
            std::string::npos);

  auto artifact =
      raw.Get("/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x");
  ASSERT_TRUE(artifact);
  EXPECT_EQ(artifact->status, 500);
  EXPECT_NE(artifact->body.find("INTERNAL_ERROR"), std::string::npos);

  auto ajax = raw.Post("/ajax-api/2.0/mlflow/registered-models/create",
                       R"({"name":"m"})", "application/json");
  ASSERT_TRUE(ajax);
  EXPECT_EQ(ajax->status, 200);
  auto duplicate = raw.Post("/api/2.0/mlflow/registered-models/create",
                            R"({"name":"m"})", "application/json");
  ASSERT_TRUE(duplicate);
  EXPECT_EQ(duplicate->status, 400);
  EXPECT_NE(duplicate->body.find("RESOURCE_ALREADY_EXISTS"), std::string::npos);

  auto missing_version = raw.Post("/api/2.0/mlflow/registered-models/alias",
                                  R"({"name":"m","alias":"a","version":"99"})",
                                  "application/json");
  ASSERT_TRUE(missing_version);
  EXPECT_EQ(missing_version->status, 404);
}

}  // namespace
}  // namespace ntscada
