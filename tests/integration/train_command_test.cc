// Drives `ntscada import`, `train` and `evaluate` as a user would.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "child_process.h"
#include "support/fake_mlflow_server.h"

namespace ntscada {
namespace {

namespace fs = std::filesystem;

class TrainCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("ntscada-train-" + std::to_string(getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  // Runs the binary with `arguments` and the environment assignments in
  // `environment`; returns its exit status and output.
  int run(const std::string& arguments, std::string& output,
          const std::string& environment = "") {
    std::string command = environment + " " + std::string(NTSCADA_BINARY) +
                          " " + arguments + " 2>&1; echo \"exit=$?\"";
    output = testing::run_command(command);
    auto at = output.rfind("exit=");
    return std::stoi(output.substr(at + 5));
  }

  std::string store() const { return (folder_ / "history.db").string(); }
  std::string outputs() const {
    return "--registry " + (folder_ / "models").string() + " --reports " +
           (folder_ / "reports").string();
  }

  fs::path folder_;
};

TEST_F(TrainCommandTest, EmptyWindowWritesNothing) {
  std::string output;
  int status = run("train --store " + store() + " " + outputs(), output);
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("holds no readings"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(folder_ / "models"));
  EXPECT_FALSE(fs::exists(folder_ / "reports"));
}

TEST_F(TrainCommandTest, TrainsAndEvaluatesOnSkab) {
  fs::path skab = fs::path(NTSCADA_SHARED_DATA) / "skab" / "valve1";
  if (!fs::exists(skab / "0.csv")) {
    GTEST_SKIP() << "SKAB data not found at " << skab;
  }
  std::string output;
  ASSERT_EQ(run("import " + (skab / "0.csv").string() + " " +
                    (skab / "1.csv").string() + " --store " + store(),
                output),
            0)
      << output;
  ASSERT_EQ(run("train --store " + store() + " " + outputs() +
                    " --start 2020-03-09T00:00:00Z"
                    " --end 2020-03-10T00:00:00Z --trees 20"
                    " --state-rounds 10 --envelopes " NTSCADA_SOURCE_DIR
                    "/config/envelopes/skab.toml",
                output),
            0)
      << output;
  EXPECT_NE(output.find("anomaly labels from data"), std::string::npos)
      << output;

  fs::path version = folder_ / "models" / "ntscada-anomaly" / "1";
  ASSERT_TRUE(fs::exists(version)) << output;
  EXPECT_TRUE(fs::exists(version / "model.json"));
  EXPECT_TRUE(fs::exists(version / "metadata.json"));
  EXPECT_TRUE(fs::exists(version / "version.json"));
  EXPECT_TRUE(
      fs::exists(folder_ / "models" / "ntscada-state" / "1" / "model.json"));
  fs::path reports = folder_ / "reports";
  ASSERT_TRUE(fs::exists(reports));
  fs::path report = fs::directory_iterator(reports)->path();
  std::ifstream in(report);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"anomaly_label_source\":\"data\""), std::string::npos);
  EXPECT_NE(text.find("\"roc_auc\""), std::string::npos);
  EXPECT_NE(text.find("\"confusion_matrix\""), std::string::npos);
  EXPECT_NE(text.find("\"anomaly\":\"ntscada-anomaly@1\""), std::string::npos);

  std::string registry = "--registry " + (folder_ / "models").string();
  ASSERT_EQ(run("models " + registry + " promote ntscada-anomaly 1 production",
                output),
            0)
      << output;
  ASSERT_EQ(run("models " + registry + " list", output), 0) << output;
  EXPECT_NE(output.find("ntscada-anomaly@1"), std::string::npos) << output;
  EXPECT_NE(output.find("aliases production"), std::string::npos) << output;

  ASSERT_EQ(run("evaluate --model ntscada-anomaly@production " + registry +
                    " " + (skab / "2.csv").string(),
                output),
            0)
      << output;
  EXPECT_NE(output.find("false alarm rate"), std::string::npos) << output;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

TEST_F(TrainCommandTest, MlflowOutageKeepsModelsLocalUntilSync) {
  fs::path skab = fs::path(NTSCADA_SHARED_DATA) / "skab" / "valve1";
  ASSERT_TRUE(fs::exists(skab / "0.csv")) << "SKAB data not found at " << skab;
  std::string output;
  ASSERT_EQ(run("import " + (skab / "0.csv").string() + " --store " + store(),
                output),
            0)
      << output;
  std::string train = "train --store " + store() + " " + outputs() +
                      " --start 2020-03-09T00:00:00Z --end "
                      "2020-03-10T00:00:00Z --trees 5 --state-rounds 5";
  // Nothing listens on loopback port 1: the push fails, the models stay.
  ASSERT_EQ(run(train + " --mlflow-uri http://127.0.0.1:1", output), 0)
      << output;
  EXPECT_NE(output.find("ntscada models sync"), std::string::npos) << output;
  fs::path report = fs::directory_iterator(folder_ / "reports")->path();
  EXPECT_NE(read_text(report).find("\"mlflow\":{\"status\":\"failed\""),
            std::string::npos)
      << read_text(report);
  EXPECT_TRUE(fs::exists(folder_ / "models" / "ntscada-anomaly" / "1"));

  fake_mlflow_server server;
  std::string registry = "--registry " + (folder_ / "models").string();
  ASSERT_EQ(
      run("models " + registry + " sync --mlflow-uri " + server.tracking_uri(),
          output),
      0)
      << output;
  EXPECT_NE(output.find("pushed 2 versions, 0 already in MLflow"),
            std::string::npos)
      << output;

  // The next training run pushes directly.
  fs::remove_all(folder_ / "reports");
  ASSERT_EQ(run(train + " --mlflow-uri " + server.tracking_uri(), output), 0)
      << output;
  report = fs::directory_iterator(folder_ / "reports")->path();
  std::string text = read_text(report);
  EXPECT_NE(text.find("\"status\":\"pushed\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"anomaly_model_version\":\"2\""), std::string::npos)
      << text;
}

TEST_F(TrainCommandTest, ExportedArchiveImportsElsewhere) {
  fs::path skab = fs::path(NTSCADA_SHARED_DATA) / "skab" / "valve1";
  ASSERT_TRUE(fs::exists(skab / "0.csv")) << "SKAB data not found at " << skab;
  std::string output;
  ASSERT_EQ(run("import " + (skab / "0.csv").string() + " --store " + store(),
                output),
            0)
      << output;
  ASSERT_EQ(run("train --store " + store() + " " + outputs() +
                    " --start 2020-03-09T00:00:00Z --end "
                    "2020-03-10T00:00:00Z --trees 5 --state-rounds 5",
                output),
            0)
      << output;
  std::string registry = "--registry " + (folder_ / "models").string();
  ASSERT_EQ(run("models " + registry + " promote ntscada-anomaly 1 production",
                output),
            0)
      << output;
  std::string archive = (folder_ / "models.tar.gz").string();
  ASSERT_EQ(run("models " + registry + " export --output " + archive, output),
            0)
      << output;
  EXPECT_NE(output.find("wrote 2 versions"), std::string::npos) << output;

  std::string other = "--registry " + (folder_ / "elsewhere").string();
  ASSERT_EQ(
      run("models " + other + " import --keep-aliases " + archive, output), 0)
      << output;
  EXPECT_NE(output.find("ntscada-anomaly@1 imported as ntscada-anomaly@1  "
                        "aliases production set"),
            std::string::npos)
      << output;
  ASSERT_EQ(run("models " + other + " show ntscada-anomaly@production", output),
            0)
      << output;
  EXPECT_NE(output.find("checksum ok"), std::string::npos) << output;

  // A truncated copy is refused with the file named, and adds nothing.
  fs::resize_file(archive, fs::file_size(archive) / 3);
  ASSERT_NE(run("models " + other + " import " + archive, output), 0) << output;
  EXPECT_NE(output.find("models.tar.gz"), std::string::npos) << output;
  ASSERT_EQ(run("models " + other + " list", output), 0) << output;
  EXPECT_NE(output.find("ntscada-anomaly (1 version)"), std::string::npos)
      << output;
}

TEST_F(TrainCommandTest, DemoTrainsThenStreamsEveryReading) {
  fs::path skab = fs::path(NTSCADA_SHARED_DATA) / "skab" / "valve1";
  ASSERT_TRUE(fs::exists(skab / "1.csv")) << "SKAB data not found at " << skab;
  std::string output;
  // Two files of 1,146 and 1,147 rows of 8 sensors: the first half by time
  // trains the models, the rest streams through them.
  ASSERT_EQ(run("demo " + (skab / "0.csv").string() + " " +
                    (skab / "1.csv").string() +
                    " --partitions 2 --threads 1 --registry " +
                    (folder_ / "models").string(),
                output),
            0)
      << output;
  EXPECT_NE(output.find("trained on         9168 readings"), std::string::npos)
      << output;
  EXPECT_NE(output.find("detector           model:ntscada-anomaly@1+"
                        "ntscada-state@1 (9168 results)"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("readings in        9168"), std::string::npos)
      << output;
  EXPECT_NE(output.find("results out        9168 (0 duplicates)"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("The envelope rules alone on the same readings"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(folder_ / "models" / "ntscada-anomaly" / "1"));
}

TEST_F(TrainCommandTest, DemoWithoutAnomaliesToLearnUsesRules) {
  fs::path file = fs::path(NTSCADA_SHARED_DATA) / "skab" / "valve1" / "0.csv";
  ASSERT_TRUE(fs::exists(file)) << "SKAB data not found at " << file;
  std::string output;
  // The first half of this file contains no labelled anomaly.
  ASSERT_EQ(run("demo " + file.string() + " --partitions 2 --registry " +
                    (folder_ / "models").string(),
                output),
            0)
      << output;
  EXPECT_NE(output.find("0 rows of anomaly class 1"), std::string::npos)
      << output;
  EXPECT_NE(output.find("detector           rules:"), std::string::npos)
      << output;
  EXPECT_NE(output.find("results out        4592 (0 duplicates)"),
            std::string::npos)
      << output;
}

TEST_F(TrainCommandTest, ConfigShowNamesEachSource) {
  fs::path file = folder_ / "ntscada.toml";
  std::ofstream(file) << "[kafka]\nbrokers = \"k1:9092\"\n"
                         "[kafka.properties]\n\"sasl.password\" = \"s3cret\"\n"
                         "[stream]\nmax_batch = 500\n";
  std::string output;
  ASSERT_EQ(run("--config " + file.string() + " config show", output,
                "NTSCADA_STREAM_MAX_BATCH=250 NTSCADA_MLFLOW_TOKEN=t0ken"),
            0)
      << output;
  EXPECT_NE(
      output.find("brokers = \"k1:9092\"  # file " + file.string() + " line 2"),
      std::string::npos)
      << output;
  EXPECT_NE(output.find("max_batch = \"250\"  # environment "
                        "NTSCADA_STREAM_MAX_BATCH"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("token = \"(redacted)\"  # environment "
                        "NTSCADA_MLFLOW_TOKEN"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("\"sasl.password\" = \"(redacted)\""),
            std::string::npos)
      << output;
  EXPECT_EQ(output.find("s3cret"), std::string::npos) << output;
  EXPECT_EQ(output.find("t0ken"), std::string::npos) << output;
  EXPECT_NE(output.find("state_rounds = \"150\"  # default"), std::string::npos)
      << output;
}

TEST_F(TrainCommandTest, BadSettingStopsBeforeConnecting) {
  std::string output;
  // The broker address is unroutable on purpose: a run that got past the
  // validation would hang trying to connect instead of exiting at once.
  EXPECT_EQ(
      run("stream --brokers 127.0.0.1:1", output, "NTSCADA_STREAM_MAX_BATCH=0"),
      78)
      << output;
  EXPECT_NE(output.find("setting stream.max_batch = '0' from environment "
                        "(NTSCADA_STREAM_MAX_BATCH) is invalid"),
            std::string::npos)
      << output;

  fs::path file = folder_ / "typo.toml";
  std::ofstream(file) << "[stream]\nmax_bach = 3\n";
  EXPECT_EQ(run("--config " + file.string() + " stream", output), 78) << output;
  EXPECT_NE(output.find("unknown setting stream.max_bach in " + file.string() +
                        " line 2"),
            std::string::npos)
      << output;

  std::ofstream(file) << "[influx]\npassword = \"pw\"\napi = \"v3\"\n";
  EXPECT_EQ(run("--config " + file.string() + " ingest", output), 78) << output;
  EXPECT_NE(output.find("setting influx.api = 'v3' from file"),
            std::string::npos)
      << output;
  EXPECT_EQ(run("train --split sideways", output), 78) << output;

  // NaN passes every range comparison, so it needs its own check.
  EXPECT_EQ(run("stream --brokers 127.0.0.1:1", output,
                "NTSCADA_STREAM_ANOMALY_THRESHOLD=nan"),
            78)
      << output;
  EXPECT_NE(output.find("nan is not a finite number"), std::string::npos)
      << output;
  EXPECT_EQ(run("train --test-fraction nan", output), 78) << output;
  EXPECT_EQ(run("stream", output, "NTSCADA_KAFKA_BROKERS="), 78) << output;
}

TEST_F(TrainCommandTest, LogLinesStayOneLineAndValidJson) {
  std::string output;
  // A value with a quote, a backslash and a newline, echoed in the error.
  ASSERT_EQ(run("--log-format json stream", output,
                R"(NTSCADA_STREAM_MAX_BATCH=$(printf '1"\\\nFAKE'))"),
            78)
      << output;
  std::istringstream lines(output.substr(0, output.rfind("exit=")));
  std::string line;
  int parsed = 0;
  simdjson::dom::parser parser;
  while (std::getline(lines, line)) {
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(line).get(root), simdjson::SUCCESS) << line;
    ++parsed;
  }
  EXPECT_EQ(parsed, 1) << output;

  ASSERT_EQ(
      run("stream", output, R"(NTSCADA_STREAM_MAX_BATCH=$(printf '1\nFAKE'))"),
      78);
  EXPECT_NE(output.find("'1\\nFAKE'"), std::string::npos) << output;
  EXPECT_EQ(output.find("\nFAKE"), std::string::npos) << output;
}

TEST_F(TrainCommandTest, DeployedConfigurationLoads) {
  std::string output;
  ASSERT_EQ(run("--config " NTSCADA_SOURCE_DIR
                "/deploy/systemd/ntscada.toml.example config show",
                output),
            0)
      << output;
  EXPECT_NE(output.find("store = \"/var/lib/ntscada/history.db\"  # file"),
            std::string::npos)
      << output;
}

TEST_F(TrainCommandTest, ReferenceInDocsMatchesCode) {
  std::ifstream in(fs::path(NTSCADA_SOURCE_DIR) / "docs" / "operations.md");
  std::string docs((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  const std::string begin = "<!-- BEGIN CONFIGURATION REFERENCE -->\n";
  auto start = docs.find(begin);
  auto end = docs.find("<!-- END CONFIGURATION REFERENCE -->");
  ASSERT_NE(start, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::string documented =
      docs.substr(start + begin.size(), end - start - begin.size());
  std::string generated =
      testing::run_command(std::string(NTSCADA_BINARY) + " config reference");
  EXPECT_EQ(documented, generated)
      << "regenerate the table with `ntscada config reference`";
}

}  // namespace
}  // namespace ntscada
