#include "gateway/audit_command.hpp"

#include <filesystem>
#include <optional>
#include <string>

#include "gateway/audit_trail.hpp"
#include "gateway/database.hpp"
#include "gateway/key_file.hpp"
#include "gateway/subcommand_flags.hpp"

namespace tessera::gateway {
namespace {

constexpr std::string_view kUsage =
    "usage: tessera-gateway audit verify --data FILE --key-file FILE [--expect-head COUNT:MAC]";

struct VerifyArgs {
  std::filesystem::path data_file;
  std::filesystem::path key_file;
  std::optional<AuditHead> expected;
};

std::optional<VerifyArgs> parse_verify_args(std::span<const std::string_view> args, std::ostream& err) {
  if (args.size() < 2 || args[1] != "verify") {
    err << kUsage << "\n";
    return std::nullopt;
  }
  VerifyArgs out;
  const auto flags = subcommand_flags(args, err);
  if (!flags) {
    err << kUsage << "\n";
    return std::nullopt;
  }
  for (const auto& [name, value] : *flags) {
    if (name == "--data") {
      out.data_file = value;
    } else if (name == "--key-file") {
      out.key_file = value;
    } else if (name == "--expect-head") {
      out.expected = audit_head_parse(value);
      if (!out.expected) {
        err << "tessera-gateway audit: --expect-head must be COUNT:MAC (64 hex digits), as logged\n";
        return std::nullopt;
      }
    } else {
      err << "tessera-gateway audit: unknown argument '" << name << "'\n" << kUsage << "\n";
      return std::nullopt;
    }
  }
  if (out.data_file.empty() || out.key_file.empty()) {
    err << kUsage << "\n";
    return std::nullopt;
  }
  return out;
}

}  // namespace

bool is_audit_command(std::span<const std::string_view> args) { return !args.empty() && args[0] == "audit"; }

int run_audit_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  const auto parsed = parse_verify_args(args, err);
  if (!parsed) return 2;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(parsed->data_file, ec)) {
    err << "tessera-gateway audit: --data: no such file\n";
    return 1;
  }
  auto keys = KeyFile::open_existing(parsed->key_file, parsed->data_file);
  if (!keys) {
    err << "tessera-gateway audit: " << keys.error().message << "\n";
    return 1;
  }
  auto db = Database::open_unmigrated(parsed->data_file);
  if (!db) {
    err << "tessera-gateway audit: " << db.error().message << "\n";
    return 1;
  }
  AuditTrail trail(*db, *keys);
  auto verdict = trail.verify(parsed->expected);
  if (!verdict) {
    err << "tessera-gateway audit: cannot read the trail: " << verdict.error().message << "\n";
    return 1;
  }
  if (!verdict->intact()) {
    out << "audit NOT INTACT: " << verdict->explanation << " (last good head "
        << audit_head_format(verdict->head) << ")\n";
    return 1;
  }
  out << "audit OK: " << audit_head_format(verdict->head) << "\n";
  return 0;
}

}  // namespace tessera::gateway
