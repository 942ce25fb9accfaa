#include "registry/local_registry.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>

namespace ntscada {
namespace {

namespace fs = std::filesystem;

class LocalRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("ntscada-registry-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    source_ = base_ / "source";
    fs::create_directories(source_);
    write_source("{\"model\":1}");
  }
  void TearDown() override { fs::remove_all(base_); }

  void write_source(const std::string& model) {
    std::ofstream(source_ / "model.json") << model;
    std::ofstream(source_ / "metadata.json") << "{\"kind\":\"anomaly\"}";
  }

  local_registry registry() { return local_registry(base_ / "models"); }

  fs::path base_;
  fs::path source_;
};

TEST_F(LocalRegistryTest, VersionsNumberedFromOne) {
  auto reg = registry();
  auto first = reg.register_version("anomaly", source_);
  ASSERT_TRUE(first) << first.error();
  auto second = reg.register_version("anomaly", source_);
  ASSERT_TRUE(second) << second.error();
  EXPECT_EQ(first->version, 1);
  EXPECT_EQ(second->version, 2);
  EXPECT_EQ(first->sha256.size(), 64u);
  EXPECT_TRUE(fs::exists(second->folder / "model.json"));
  EXPECT_TRUE(fs::exists(second->folder / "metadata.json"));
  EXPECT_TRUE(fs::exists(second->folder / "version.json"));

  auto models = reg.list_models();
  ASSERT_TRUE(models);
  EXPECT_EQ(models.value(), std::vector<std::string>{"anomaly"});
  auto versions = reg.list_versions("anomaly");
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->size(), 2u);
}

TEST_F(LocalRegistryTest, ResolvesAliasesAndNewest) {
  auto reg = registry();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(reg.register_version("m", source_));
  // Integer order: 10 is newer than 9.
  EXPECT_EQ(reg.resolve("m")->version, 10);
  ASSERT_TRUE(reg.set_alias("m", "production", 9));
  EXPECT_EQ(reg.resolve("m")->version, 9);
  EXPECT_EQ(reg.resolve("m@production")->version, 9);
  EXPECT_EQ(reg.resolve("m@3")->version, 3);
  EXPECT_EQ(reg.resolve("m@production")->aliases,
            std::vector<std::string>{"production"});

  auto unknown = reg.resolve("m@staging");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(),
            "model m has no alias 'staging'; its aliases: production");
  auto missing = reg.resolve("m@42");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "model m has no version 42");

  ASSERT_TRUE(reg.set_alias("m", "production", 10));
  EXPECT_EQ(reg.resolve("m")->version, 10);
  ASSERT_TRUE(reg.remove_alias("m", "production"));
  EXPECT_EQ(reg.resolve("m")->version, 10);
  EXPECT_FALSE(reg.remove_alias("m", "production"));
}

TEST_F(LocalRegistryTest, AliasedVersionNotDeleted) {
  auto reg = registry();
  ASSERT_TRUE(reg.register_version("m", source_));
  ASSERT_TRUE(reg.register_version("m", source_));
  ASSERT_TRUE(reg.set_alias("m", "production", 1));
  auto refused = reg.delete_version("m", 1);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("alias production"), std::string::npos)
      << refused.error();
  ASSERT_TRUE(reg.delete_version("m", 2));
  EXPECT_EQ(reg.list_versions("m")->size(), 1u);
  EXPECT_FALSE(reg.resolve("m@2"));
}

TEST_F(LocalRegistryTest, ChecksumDetectsTampering) {
  auto reg = registry();
  write_source(std::string(1000, 'x'));
  auto version = reg.register_version("m", source_);
  ASSERT_TRUE(version);
  EXPECT_TRUE(reg.verify(version.value()));
  fs::resize_file(version->folder / "model.json", 500);
  auto checked = reg.verify(version.value());
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().find("model m version 1: checksum mismatch"),
            std::string::npos)
      << checked.error();
  EXPECT_NE(checked.error().find((version->folder / "model.json").string()),
            std::string::npos);
}

TEST_F(LocalRegistryTest, NamesCannotEscapeRoot) {
  auto reg = registry();
  std::vector<std::string> bad_names{
      "../escape", "a/b", ".hidden", "", "a b", "..", std::string(101, 'a')};
  for (const std::string& bad : bad_names) {
    auto registered = reg.register_version(bad, source_);
    ASSERT_FALSE(registered) << bad;
    EXPECT_TRUE(registered.error().starts_with("invalid model name"))
        << registered.error();
  }
  EXPECT_FALSE(fs::exists(base_ / "escape"));
  EXPECT_TRUE(local_registry::validate_name("ntscada-anomaly_v2.1").empty());

  // Every operation that takes a name refuses one that leaves the root.
  fs::create_directories(base_ / "outside" / "1");
  for (const std::string& bad :
       {std::string("../outside"), (base_ / "outside").string()}) {
    auto deleted = reg.delete_version(bad, 1);
    ASSERT_FALSE(deleted) << bad;
    EXPECT_TRUE(deleted.error().starts_with("invalid model name"));
    EXPECT_FALSE(reg.set_alias(bad, "production", 1));
    EXPECT_FALSE(reg.remove_alias(bad, "production"));
    auto resolved = reg.resolve(bad + "@1");
    ASSERT_FALSE(resolved);
    EXPECT_TRUE(resolved.error().starts_with("invalid model name"));
  }
  EXPECT_TRUE(fs::exists(base_ / "outside" / "1"));
  EXPECT_FALSE(fs::exists(base_ / "outside" / ".lock"));
  EXPECT_FALSE(fs::exists(base_ / "outside" / "aliases.json"));
}

TEST_F(LocalRegistryTest, NewerFormatRejected) {
  auto reg = registry();
  auto version = reg.register_version("m", source_);
  ASSERT_TRUE(version);
  std::ofstream(version->folder / "version.json")
      << R"({"format_version":2,"created":"x","sha256":"y"})";
  auto listed = reg.list_versions("m");
  ASSERT_FALSE(listed);
  EXPECT_NE(listed.error().find("format version 2, newer than the 1"),
            std::string::npos)
      << listed.error();
}

TEST_F(LocalRegistryTest, UnknownAliasNamed) {
  auto reg = registry();
  ASSERT_TRUE(reg.register_version("m", source_));
  ASSERT_TRUE(reg.set_alias("m", "staging", 1));
  auto version = reg.resolve("m@production");
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error(),
            "model m has no alias 'production'; its aliases: staging");
  auto missing = reg.resolve("m@7");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "model m has no version 7");
}

TEST_F(LocalRegistryTest, MissingRegistryNamed) {
  local_registry reg(base_ / "nowhere");
  auto models = reg.list_models();
  ASSERT_FALSE(models);
  EXPECT_NE(models.error().find("does not exist"), std::string::npos);
  auto version = reg.resolve("m");
  ASSERT_FALSE(version);
  EXPECT_NE(version.error().find("model m not found"), std::string::npos);
}

TEST_F(LocalRegistryTest, TwoProcessesGetDistinctVersions) {
  constexpr int kPerProcess = 15;
  std::vector<pid_t> children;
  for (int child = 0; child < 2; ++child) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto reg = registry();
      int failures = 0;
      for (int i = 0; i < kPerProcess; ++i) {
        if (!reg.register_version("shared", source_)) ++failures;
      }
      ::_exit(failures);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  auto versions = registry().list_versions("shared");
  ASSERT_TRUE(versions) << versions.error();
  std::set<int> numbers;
  for (const auto& v : versions.value()) numbers.insert(v.version);
  EXPECT_EQ(numbers.size(), 2u * kPerProcess);
  EXPECT_EQ(*numbers.begin(), 1);
  EXPECT_EQ(*numbers.rbegin(), 2 * kPerProcess);
  // No staging folder is left behind.
  for (const auto& entry :
       fs::directory_iterator(base_ / "models" / "shared")) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".staging"))
        << entry.path();
  }
}

}  // namespace
}  // namespace ntscada
