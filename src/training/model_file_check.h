#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"

namespace ntscada {

// Checks the structure of an XGBoost JSON model file before XGBoost reads
// it, because XGBoost's predictor trusts the file: a child index outside
// the tree, a split on a feature the model does not have or a cycle
// between nodes makes it read out of bounds or loop forever. A file that
// matches its registry checksum can still be wrong in these ways when it
// was written by another tool or edited by hand.
//
// Accepts a gbtree model whose every tree has num_nodes entries in each
// node array; every inner node has two children with larger indices
// (XGBoost appends children after their parent, so this also rules out
// cycles) and splits on a feature below num_feature; and tree_info names a
// class below num_class (or 0 for one output). Errors name the file, the
// tree and the node.
result<bool, std::string> check_model_file(const std::filesystem::path& path);

}  // namespace ntscada
