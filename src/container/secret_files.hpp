#pragma once
// Secrets handed to a container as files (Compose `secrets:`, Kubernetes secret volumes)
// rather than as environment literals, which `podman inspect` and crash reports would show.
// The services read their configuration from the environment only (core/config.hpp), so the
// image's entry point turns each NAME_FILE=path into NAME=<the file's content> before it execs
// the service: the convention of the official PostgreSQL image (POSTGRES_PASSWORD_FILE).

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace mercato::container {

/// Reads a whole file; nullopt when it cannot be read.
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

std::optional<std::string> read_whole_file(const std::string& path);

/// For every `NAME_FILE=path` in `environ` (entries "KEY=value"), the pair {NAME, content} with
/// one trailing line ending removed (files written by `echo` end with one). Errors, naming the
/// variable: NAME also set (which one would win is not obvious), the file unreadable, or empty.
Result<std::vector<std::pair<std::string, std::string>>> secrets_from_files(const std::vector<std::string>& environ,
                                                                             const FileReader& read = read_whole_file);

}  // namespace mercato::container
