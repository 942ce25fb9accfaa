#include "config/config_sources.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ntscada {
namespace {

namespace fs = std::filesystem;

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() /
            ("ntscada-config-" + std::to_string(::getpid()) + ".toml");
  }
  void TearDown() override { fs::remove(path_); }

  result<setting_values, std::string> read(const std::string& text) {
    std::ofstream(path_) << text;
    return read_config_file(path_.string());
  }

  fs::path path_;
};

TEST_F(ConfigFileTest, ScalarsBecomeTextWithTheirLine) {
  auto values = read(
      "[kafka]\nbrokers = \"k1:9092\"\n\n[stream]\nmax_batch = 500\n"
      "anomaly_threshold = 0.75\nrules_only = true\n");
  ASSERT_TRUE(values) << values.error();
  EXPECT_EQ(values->settings.at("kafka.brokers").text, "k1:9092");
  EXPECT_EQ(values->settings.at("stream.max_batch").text, "500");
  EXPECT_EQ(values->settings.at("stream.anomaly_threshold").text, "0.75");
  EXPECT_EQ(values->settings.at("stream.rules_only").text, "true");
  EXPECT_EQ(values->settings.at("stream.max_batch").source,
            setting_source::file);
  EXPECT_EQ(values->settings.at("stream.max_batch").origin,
            path_.string() + " line 5");
}

TEST_F(ConfigFileTest, KafkaPropertiesPassThrough) {
  auto values = read(
      "[kafka.properties]\n\"security.protocol\" = \"SASL_SSL\"\n"
      "\"socket.keepalive.enable\" = true\n");
  ASSERT_TRUE(values) << values.error();
  EXPECT_EQ(values->kafka_properties.at("security.protocol").text, "SASL_SSL");
  EXPECT_EQ(values->kafka_properties.at("socket.keepalive.enable").text,
            "true");
  EXPECT_TRUE(values->settings.empty());
}

TEST_F(ConfigFileTest, ErrorsNameFileLineAndKey) {
  auto broken = read("[stream]\nmax_batch = \n");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().find(path_.string() + " line 2"), std::string::npos)
      << broken.error();

  auto array = read("[stream]\nmax_batch = [1, 2]\n");
  ASSERT_FALSE(array);
  EXPECT_NE(array.error().find("stream.max_batch is an array"),
            std::string::npos)
      << array.error();

  auto top_level = read("brokers = \"x\"\n");
  ASSERT_FALSE(top_level);
  EXPECT_NE(top_level.error().find("'brokers' must be a table"),
            std::string::npos)
      << top_level.error();

  auto missing = read_config_file("/nonexistent/ntscada.toml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("/nonexistent/ntscada.toml"),
            std::string::npos);
}

TEST(ConfigEnvironmentTest, SectionNamesAndProperties) {
  std::vector<std::string> variables = {
      "NTSCADA_KAFKA_BROKERS=k1:9092",
      "NTSCADA_REGISTRY_CHECK_SECONDS=2.5",
      "NTSCADA_KAFKA_PROPERTY_SASL_MECHANISM=PLAIN",
      "NTSCADA_CONFIG=/etc/ntscada.toml",
      "NTSCADA_NOSECTION=1",
      "HOME=/root",
  };
  std::vector<char*> environment;
  for (std::string& variable : variables) {
    environment.push_back(variable.data());
  }
  environment.push_back(nullptr);
  setting_values values =
      read_environment(environment.data(), {"NTSCADA_CONFIG"});
  EXPECT_EQ(values.settings.at("kafka.brokers").text, "k1:9092");
  EXPECT_EQ(values.settings.at("kafka.brokers").origin,
            "NTSCADA_KAFKA_BROKERS");
  EXPECT_EQ(values.settings.at("registry.check_seconds").text, "2.5");
  EXPECT_EQ(values.kafka_properties.at("sasl.mechanism").text, "PLAIN");
  EXPECT_EQ(values.settings.size(), 2u);
  EXPECT_EQ(environment_name("registry.check_seconds"),
            "NTSCADA_REGISTRY_CHECK_SECONDS");
}

}  // namespace
}  // namespace ntscada
