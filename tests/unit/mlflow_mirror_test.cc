#include "registry/mlflow_mirror.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "support/fake_mlflow_server.h"

namespace ntscada {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMetadata = R"({
  "kind": "anomaly",
  "code_version": "0.1.0",
  "parameters": {"trees": 200, "max_depth": 15, "objective": "binary:logistic"},
  "metrics": {"f1": 0.9, "precision": 0.95,
              "confusion_matrix": [[10, 1], [2, 30]],
              "macro": {"recall": 0.8}},
  "training": {"rows": 1000, "window": {"start": "2026-01-01T00:00:00Z"}}
})";

mlflow_client client_for(const std::string& uri) {
  mlflow_client_config config;
  config.tracking_uri = uri;
  config.connect_timeout = std::chrono::milliseconds(500);
  config.retry.max_attempts = 2;
  config.retry.initial_backoff = std::chrono::milliseconds(1);
  auto client = mlflow_client::create(config);
  EXPECT_TRUE(client) << client.error();
  return std::move(client.value());
}

class MlflowMirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("ntscada-mirror-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "source");
  }
  void TearDown() override { fs::remove_all(base_); }

  registered_version add(local_registry& registry, const std::string& name,
                         const std::string& model) {
    std::ofstream(base_ / "source" / "model.json") << model;
    std::ofstream(base_ / "source" / "metadata.json") << kMetadata;
    auto version = registry.register_version(name, base_ / "source");
    EXPECT_TRUE(version) << version.error();
    return version.value();
  }

  bool any_request_contains(std::string_view path, std::string_view text) {
    for (const auto& request : server_.requests()) {
      if (request.path.ends_with(path) &&
          request.body.find(text) != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  fake_mlflow_server server_;
  fs::path base_;
};

TEST_F(MlflowMirrorTest, PushCreatesRunArtifactsVersionAndAliases) {
  local_registry registry(base_ / "a");
  add(registry, "anomaly", "{\"m\":1}");
  ASSERT_TRUE(registry.set_alias("anomaly", "production", 1));
  auto version = registry.resolve("anomaly").value();

  mlflow_mirror mirror(registry, client_for(server_.tracking_uri()), "plant");
  auto record = mirror.push(version);
  ASSERT_TRUE(record) << record.error();
  EXPECT_EQ(record->model_version, "1");
  EXPECT_EQ(record->tracking_uri, server_.tracking_uri());

  // Params from the hyperparameters and training facts, metrics from the
  // numeric evaluation results, arrays left out.
  EXPECT_TRUE(any_request_contains("runs/log-batch", "\"max_depth\""));
  EXPECT_TRUE(any_request_contains("runs/log-batch", "\"training.rows\""));
  EXPECT_TRUE(
      any_request_contains("runs/log-batch", "\"training.window.start\""));
  EXPECT_TRUE(any_request_contains("runs/log-batch", "\"macro.recall\""));
  EXPECT_TRUE(any_request_contains("runs/log-batch", version.sha256));
  EXPECT_FALSE(any_request_contains("runs/log-batch", "confusion_matrix"));

  auto check = client_for(server_.tracking_uri());
  auto production = check.get_model_version_by_alias("anomaly", "production");
  ASSERT_TRUE(production) << production.error();
  EXPECT_EQ(production->version, "1");
  auto model = check.download_artifact(record->experiment_id, record->run_id,
                                       "model/model.json");
  ASSERT_TRUE(model) << model.error();
  EXPECT_EQ(model.value(), "{\"m\":1}");

  auto stored = read_mirror_record(version);
  ASSERT_TRUE(stored) << stored.error();
  EXPECT_EQ(stored->run_id, record->run_id);

  // A second push adds no version.
  auto again = mirror.push(version);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->model_version, "1");
  EXPECT_EQ(check.search_model_versions("anomaly")->size(), 1u);
}

TEST_F(MlflowMirrorTest, SyncPushesWhatAFailedPushLeftOut) {
  local_registry registry(base_ / "a");
  add(registry, "anomaly", "{\"m\":1}");
  add(registry, "state", "{\"s\":1}");
  ASSERT_TRUE(registry.set_alias("state", "production", 1));

  // The server responds with 503 to every request for a while: the push fails
  // and leaves no mirror record.
  server_.fail_next_requests(100, 503);
  {
    mlflow_mirror mirror(registry, client_for(server_.tracking_uri()), "plant");
    auto failed = mirror.push(registry.resolve("anomaly").value());
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().find("503"), std::string::npos) << failed.error();
  }
  EXPECT_FALSE(read_mirror_record(registry.resolve("anomaly").value()));
  server_.fail_next_requests(0, 503);

  mlflow_mirror mirror(registry, client_for(server_.tracking_uri()), "plant");
  mlflow_sync_summary summary = mirror.sync();
  EXPECT_TRUE(summary.errors.empty());
  EXPECT_EQ(summary.versions_pushed, 2);
  EXPECT_EQ(summary.versions_present, 0);
  EXPECT_EQ(summary.aliases_set, 1);

  summary = mirror.sync();
  EXPECT_EQ(summary.versions_pushed, 0);
  EXPECT_EQ(summary.versions_present, 2);
  auto check = client_for(server_.tracking_uri());
  EXPECT_EQ(check.search_model_versions("anomaly")->size(), 1u);
  EXPECT_EQ(check.get_model_version_by_alias("state", "production")->version,
            "1");
}

TEST_F(MlflowMirrorTest, PullVerifiesAndSetsTheLocalAlias) {
  local_registry origin(base_ / "a");
  add(origin, "anomaly", "{\"m\":1}");
  add(origin, "anomaly", "{\"m\":2}");
  ASSERT_TRUE(origin.set_alias("anomaly", "production", 1));
  mlflow_mirror push(origin, client_for(server_.tracking_uri()), "plant");
  ASSERT_EQ(push.sync().versions_pushed, 2);

  local_registry site(base_ / "b");
  mlflow_mirror pull(site, client_for(server_.tracking_uri()), "plant");
  auto pulled = pull.pull("anomaly");
  ASSERT_TRUE(pulled) << pulled.error();
  EXPECT_EQ(pulled->version, 1);
  EXPECT_EQ(pulled->sha256, origin.resolve("anomaly@1")->sha256);
  EXPECT_EQ(pulled->aliases, std::vector<std::string>{"production"});
  EXPECT_TRUE(site.verify(pulled.value()));

  // Pulling again finds the local copy instead of adding a version.
  auto again = pull.pull("anomaly@production");
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->version, 1);
  EXPECT_EQ(site.list_versions("anomaly")->size(), 1u);

  auto unknown = pull.pull("anomaly@champion");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("INVALID_PARAMETER_VALUE"), std::string::npos)
      << unknown.error();
}

TEST_F(MlflowMirrorTest, PullTakesHighestReadyVersionByInteger) {
  local_registry origin(base_ / "a");
  for (int i = 1; i <= 10; ++i) {
    add(origin, "anomaly", "{\"m\":" + std::to_string(i) + "}");
  }
  mlflow_mirror push(origin, client_for(server_.tracking_uri()), "plant");
  ASSERT_EQ(push.sync().versions_pushed, 10);

  local_registry site(base_ / "b");
  mlflow_mirror pull(site, client_for(server_.tracking_uri()), "plant");
  // No production alias: version 10 wins over "9" by integer order.
  auto newest = pull.pull("anomaly");
  ASSERT_TRUE(newest) << newest.error();
  EXPECT_EQ(newest->sha256, origin.resolve("anomaly@10")->sha256);

  // A version still registering is never loaded.
  ASSERT_TRUE(
      server_.set_version_status("anomaly", 10, "PENDING_REGISTRATION"));
  auto pending = pull.pull("anomaly@10");
  ASSERT_FALSE(pending);
  EXPECT_NE(pending.error().find("PENDING_REGISTRATION, not READY"),
            std::string::npos)
      << pending.error();
  local_registry other(base_ / "c");
  mlflow_mirror pull_other(other, client_for(server_.tracking_uri()), "plant");
  auto ready = pull_other.pull("anomaly");
  ASSERT_TRUE(ready) << ready.error();
  EXPECT_EQ(ready->sha256, origin.resolve("anomaly@9")->sha256);
}

TEST_F(MlflowMirrorTest, PullRejectsATamperedArtifact) {
  local_registry origin(base_ / "a");
  auto version = add(origin, "anomaly", "{\"m\":1}");
  mlflow_mirror push(origin, client_for(server_.tracking_uri()), "plant");
  auto record = push.push(version);
  ASSERT_TRUE(record) << record.error();
  auto writer = client_for(server_.tracking_uri());
  ASSERT_TRUE(writer.upload_artifact(record->experiment_id, record->run_id,
                                     "model/model.json", "{\"m\":666}"));

  local_registry site(base_ / "b");
  mlflow_mirror pull(site, client_for(server_.tracking_uri()), "plant");
  auto pulled = pull.pull("anomaly@1");
  ASSERT_FALSE(pulled);
  EXPECT_NE(pulled.error().find("MLflow model anomaly version 1: checksum "
                                "mismatch for artifact model/model.json"),
            std::string::npos)
      << pulled.error();
  EXPECT_FALSE(fs::exists(base_ / "b" / "anomaly" / "1"));
}

TEST_F(MlflowMirrorTest, UnreachableServerFailsQuickly) {
  local_registry registry(base_ / "a");
  auto version = add(registry, "anomaly", "{\"m\":1}");
  // Port 1 on loopback: nothing listens there, so connections are refused.
  mlflow_mirror mirror(registry, client_for("http://127.0.0.1:1"), "plant");
  auto pushed = mirror.push(version);
  ASSERT_FALSE(pushed);
  EXPECT_NE(pushed.error().find("127.0.0.1:1"), std::string::npos)
      << pushed.error();
  EXPECT_FALSE(read_mirror_record(version));
}

}  // namespace
}  // namespace ntscada
