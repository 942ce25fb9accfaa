#include "training/model_file_check.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>

namespace ntscada {
namespace {

// XGBoost writes its parameters as decimal strings ("33").
std::optional<std::int64_t> parameter(simdjson::dom::element object,
                                      const char* key) {
  std::string_view text;
  if (object[key].get(text)) return std::nullopt;
  std::int64_t value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

result<bool, std::string> check_model_file(const std::filesystem::path& path) {
  auto invalid = [&](std::string what) -> result<bool, std::string> {
    return failure{fmt::format("model file {} is not a valid model: {}",
                               path.string(), what)};
  };
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.load(path.string()).get(root)) {
    return invalid(simdjson::error_message(error));
  }
  simdjson::dom::element learner;
  if (root["learner"].get(learner)) return invalid("no learner");
  auto features = parameter(learner["learner_model_param"], "num_feature");
  auto classes = parameter(learner["learner_model_param"], "num_class");
  if (!features || *features <= 0 || !classes || *classes < 0) {
    return invalid("learner_model_param lacks num_feature or num_class");
  }
  std::string_view booster;
  if (learner["gradient_booster"]["name"].get(booster) || booster != "gbtree") {
    return invalid(fmt::format("booster '{}' is not gbtree", booster));
  }
  simdjson::dom::element model = learner["gradient_booster"]["model"];
  simdjson::dom::array trees;
  simdjson::dom::array tree_info;
  if (model["trees"].get(trees) || model["tree_info"].get(tree_info)) {
    return invalid("no trees or tree_info");
  }
  if (trees.size() != tree_info.size()) {
    return invalid(fmt::format("{} trees but {} tree_info entries",
                               trees.size(), tree_info.size()));
  }
  std::int64_t groups = std::max<std::int64_t>(*classes, 1);
  for (simdjson::dom::element group : tree_info) {
    std::int64_t value = -1;
    if (group.get(value) || value < 0 || value >= groups) {
      return invalid("tree_info names a class the model does not have");
    }
  }

  std::size_t index = 0;
  for (simdjson::dom::element tree : trees) {
    auto nodes = parameter(tree["tree_param"], "num_nodes");
    if (!nodes || *nodes <= 0) {
      return invalid(fmt::format("tree {} has no num_nodes", index));
    }
    std::size_t count = static_cast<std::size_t>(*nodes);
    simdjson::dom::array left, right, split, conditions, default_left;
    if (tree["left_children"].get(left) || tree["right_children"].get(right) ||
        tree["split_indices"].get(split) ||
        tree["split_conditions"].get(conditions) ||
        tree["default_left"].get(default_left) || left.size() != count ||
        right.size() != count || split.size() != count ||
        conditions.size() != count || default_left.size() != count) {
      return invalid(fmt::format(
          "tree {}: a node array is missing or does not have {} entries", index,
          count));
    }
    auto l = left.begin();
    auto r = right.begin();
    auto s = split.begin();
    for (std::size_t node = 0; node < count; ++node, ++l, ++r, ++s) {
      std::int64_t left_child = 0, right_child = 0, feature = 0;
      if ((*l).get(left_child) || (*r).get(right_child) || (*s).get(feature)) {
        return invalid(fmt::format("tree {} node {}: a value is not an integer",
                                   index, node));
      }
      bool leaf = left_child == -1 && right_child == -1;
      if (leaf) continue;
      auto inside = [&](std::int64_t child) {
        return child > static_cast<std::int64_t>(node) &&
               child < static_cast<std::int64_t>(count);
      };
      if (!inside(left_child) || !inside(right_child)) {
        return invalid(fmt::format(
            "tree {} node {}: children {} and {} are not later nodes of the "
            "tree",
            index, node, left_child, right_child));
      }
      if (feature < 0 || feature >= *features) {
        return invalid(
            fmt::format("tree {} node {}: splits on feature {} of {}", index,
                        node, feature, *features));
      }
    }
    ++index;
  }
  return true;
}

}  // namespace ntscada
