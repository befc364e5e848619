// `tessera-gateway account ...`: see admin_cli.hpp.
#include "gateway/admin_cli.hpp"

#include <qrencode.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>

#include "gateway/account_store.hpp"
#include "gateway/kiosk_api.hpp"
#include "gateway/password.hpp"
#include "gateway/storage.hpp"
#include "gateway/subcommand_flags.hpp"

namespace tessera::gateway {
namespace {

constexpr std::string_view kOperator = "operator";  // audit actor for this command
constexpr int kQuietZone = 2;                       // modules of light border

// The flags of both commands, `account` and `kiosk`; each checks which it needs.
struct AdminArgs {
  std::string_view verb;
  std::filesystem::path data_file;
  std::filesystem::path key_file;
  std::string login;
  std::optional<Role> role;
  std::string label;                // kiosk enrol
  std::optional<std::int64_t> kiosk;  // kiosk revoke --id
};

// args[0] is the command ("account", "kiosk"), args[1] its verb, then flags.
std::optional<AdminArgs> parse_flags(std::span<const std::string_view> args, std::ostream& err) {
  if (args.size() < 2) return std::nullopt;
  const auto command = args[0];
  AdminArgs out{args[1], {}, {}, {}, {}, {}, {}};
  const auto flags = subcommand_flags(args, err);
  if (!flags) return std::nullopt;
  for (const auto& [name, value] : *flags) {
    if (name == "--data") {
      out.data_file = value;
    } else if (name == "--key-file") {
      out.key_file = value;
    } else if (name == "--login" && command == "account") {
      out.login = value;
    } else if (name == "--role" && command == "account") {
      out.role = parse_role(value);
      if (!out.role) {
        err << "tessera-gateway account: --role must be provider or admin\n";
        return std::nullopt;
      }
    } else if (name == "--label" && command == "kiosk") {
      out.label = value;
    } else if (name == "--id" && command == "kiosk") {
      out.kiosk = parse_row_id(value);
      if (!out.kiosk) {
        err << "tessera-gateway kiosk: --id must be a kiosk's number\n";
        return std::nullopt;
      }
    } else {
      err << "tessera-gateway " << command << ": unknown argument '" << name << "'\n";
      return std::nullopt;
    }
  }
  if (out.data_file.empty() || out.key_file.empty()) return std::nullopt;
  return out;
}

std::optional<AdminArgs> parse_admin_args(std::span<const std::string_view> args, std::ostream& err) {
  auto parsed = parse_flags(args, err);
  if (!parsed) return std::nullopt;
  auto& out = *parsed;
  const bool known = out.verb == "add" || out.verb == "list" || out.verb == "disable" || out.verb == "unlock" ||
                     out.verb == "reset-totp";
  if (!known || (out.verb != "list" && out.login.empty()) ||
      (out.verb == "add" && !out.role)) {
    return std::nullopt;
  }
  if (out.verb != "list" && !login_valid(out.login)) {
    err << "tessera-gateway account: --login must be 1-64 of a-z 0-9 . _ -\n";
    return std::nullopt;
  }
  return out;
}

// One line from `in`; on a terminal, with echo off while it is typed.
bool read_secret_line(std::istream& in, bool tty, std::string_view prompt, std::ostream& err, std::string& line) {
  termios saved{};
  if (tty) {
    err << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  const bool ok = static_cast<bool>(std::getline(in, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    err << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return ok;
}

void wipe(std::string& s) {
  sodium_memzero(s.data(), s.size());
  s.clear();
}

// The password for a new account, checked against the rules; nullopt (after
// saying why) otherwise.
std::optional<std::string> read_new_password(std::istream& in, std::ostream& err) {
  const bool tty = &in == &std::cin && isatty(STDIN_FILENO) == 1;
  std::string first;
  if (!read_secret_line(in, tty, "Password: ", err, first)) {
    err << "tessera-gateway account: no password on stdin\n";
    return std::nullopt;
  }
  if (tty) {
    std::string again;
    const bool same = read_secret_line(in, tty, "Password again: ", err, again) && again.size() == first.size() &&
                      sodium_memcmp(again.data(), first.data(), first.size()) == 0;
    wipe(again);
    if (!same) {
      wipe(first);
      err << "tessera-gateway account: the passwords differ\n";
      return std::nullopt;
    }
  }
  if (const auto broken = password_rule_broken(first)) {
    wipe(first);
    err << "tessera-gateway account: " << *broken << "\n";
    return std::nullopt;
  }
  return first;
}

void print_secret(std::string_view login, const TotpSeed& seed, std::ostream& out) {
  auto secret = base32_encode(seed.span());
  while (!secret.empty() && secret.back() == '=') secret.pop_back();
  const auto uri = otpauth_uri(kTotpIssuer, login, seed.span());
  out << "The second-factor secret is shown only now. Scan the QR code or type the secret into an\n"
         "authenticator app (TOTP, SHA1, 6 digits, 30 s):\n"
      << "totp-secret: " << secret << "\n"
      << "otpauth-uri: " << uri << "\n"
      << terminal_qr(uri);
  sodium_memzero(secret.data(), secret.size());
}

TotpSeed random_seed() {
  TotpSeed seed;
  randombytes_buf(seed.data(), seed.size());
  return seed;
}

std::int64_t wall_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int run(const AdminArgs& a, std::istream& in, std::ostream& out, std::ostream& err) {
  auto storage = Storage::open(a.data_file, a.key_file);
  if (!storage) {
    err << "tessera-gateway account: " << storage.error() << "\n";
    return 1;
  }
  auto& audit = (*storage)->audit();
  AccountStore store((*storage)->database(), (*storage)->keys().derive(key_purpose::kTotpSeed));
  const auto now = wall_seconds();
  const auto failed = [&](const DbError& e) {
    err << "tessera-gateway account: " << e.message << "\n";
    return 1;
  };

  if (a.verb == "list") {
    auto accounts = store.list();
    if (!accounts) return failed(accounts.error());
    for (const auto& acc : *accounts) {
      out << acc.id << " " << acc.login << " " << role_name(acc.role) << (acc.locked_until > now ? " locked" : "")
          << (acc.disabled ? " disabled" : "") << "\n";
    }
    return 0;
  }
  if (a.verb == "add") {
    auto password = read_new_password(in, err);
    if (!password) return 1;
    auto hash = password_hash(*password);
    wipe(*password);
    if (!hash) return failed(DbError{SQLITE_NOMEM, "add account: not enough memory to hash the password"});
    const auto seed = random_seed();
    auto id = store.add(a.login, *a.role, *hash, seed, now);
    if (!id) return failed(id.error());
    (void)audit.append(AuditEvent::account_created, kOperator, audit_account_ref(*id), now);
    out << "account " << *id << " created: " << a.login << " (" << role_name(*a.role) << ")\n";
    print_secret(a.login, seed, out);
    return 0;
  }
  auto found = store.find_by_login(a.login);
  if (!found) return failed(found.error());
  if (!*found) {
    err << "tessera-gateway account: no account with that login\n";
    return 1;
  }
  const auto id = (*found)->id;
  Status<DbError> done = Unit{};
  std::optional<TotpSeed> seed;
  if (a.verb == "disable") {
    done = store.disable(id);
  } else if (a.verb == "unlock") {
    done = store.unlock(id);
  } else {
    seed = random_seed();
    done = store.replace_seed(id, *seed);
  }
  if (!done) return failed(done.error());
  (void)audit.append(AuditEvent::account_changed, kOperator, audit_account_ref(id), now);
  out << "account " << id << " " << a.verb << ": done\n";
  if (seed) print_secret(a.login, *seed, out);
  return 0;
}

// `kiosk enrol|list|revoke`: as the admin API does, with the operator as actor.
int run_kiosk(const AdminArgs& a, std::ostream& out, std::ostream& err) {
  auto storage = Storage::open(a.data_file, a.key_file);
  if (!storage) {
    err << "tessera-gateway kiosk: " << storage.error() << "\n";
    return 1;
  }
  auto& db = (*storage)->database();
  auto& kiosks = (*storage)->kiosks();
  auto& audit = (*storage)->audit();
  const auto now = wall_seconds();
  const auto failed = [&](std::string_view what) {
    err << "tessera-gateway kiosk: " << what << "\n";
    return 1;
  };
  if (a.verb == "list") {
    auto all = kiosks.list();
    if (!all) return failed(all.error().message);
    for (const auto& k : *all) {
      out << k.id << " " << k.label << (k.revoked ? " revoked" : "")
          << (k.last_seen ? " last-seen " + std::to_string(*k.last_seen) : std::string(" never-seen")) << "\n";
    }
    return 0;
  }
  auto tx = Transaction::begin(db);
  if (!tx) return failed(tx.error().message);
  if (a.verb == "enrol") {
    auto code = kiosks.create_enrolment(a.label, now);
    if (!code) return failed(code.error().message);
    if (!audit.append(AuditEvent::kiosk_enrolment_created, kOperator, kAuditNobody, now) || !tx->commit()) {
      return failed("could not record the enrolment");
    }
    auto text = enrolment_code_text(*code);
    out << "The enrolment code is shown only now and works once, for "
        << kEnrolmentLifetimeSeconds / 60 << " minutes. Type it on the tablet or scan the QR code:\n"
        << "kiosk-code: " << text << "\n"
        << terminal_qr(text);
    sodium_memzero(text.data(), text.size());
    return 0;
  }
  if (auto s = kiosks.revoke(*a.kiosk); !s) return failed(s.error().message);
  if (!audit.append(AuditEvent::kiosk_revoked, kOperator, audit_kiosk_ref(*a.kiosk), now) || !tx->commit()) {
    return failed("could not record the revocation");
  }
  out << "kiosk " << *a.kiosk << " revoked: its cookie is refused from now on\n";
  return 0;
}

}  // namespace

bool is_kiosk_command(std::span<const std::string_view> args) { return !args.empty() && args[0] == "kiosk"; }

std::string kiosk_usage_text() {
  return "usage:\n"
         "  tessera-gateway kiosk enrol --data FILE --key-file FILE --label TEXT\n"
         "      prints a one-time enrolment code (15 minutes) once, as text and QR code;\n"
         "      the label (1-64 bytes) names the device, not a person.\n"
         "  tessera-gateway kiosk list --data FILE --key-file FILE\n"
         "  tessera-gateway kiosk revoke --data FILE --key-file FILE --id N\n"
         "      a running gateway refuses its cookie at once; a signaling WebSocket it\n"
         "      already holds closes only through POST /api/admin/kiosks/N/revoke.\n";
}

int run_kiosk_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  if (args.size() >= 2 && (args[1] == "--help" || args[1] == "-h")) {
    out << kiosk_usage_text();
    return 0;
  }
  const auto parsed = parse_flags(args, err);
  const bool usable = parsed && ((parsed->verb == "enrol" && !parsed->label.empty()) || parsed->verb == "list" ||
                                 (parsed->verb == "revoke" && parsed->kiosk));
  if (!usable) {
    err << kiosk_usage_text();
    return 2;
  }
  return run_kiosk(*parsed, out, err);
}

bool is_account_command(std::span<const std::string_view> args) { return !args.empty() && args[0] == "account"; }

std::string account_usage_text() {
  return "usage:\n"
         "  tessera-gateway account add --data FILE --key-file FILE --login NAME --role provider|admin\n"
         "      password from stdin (asked twice, unechoed, on a terminal; one line from a pipe);\n"
         "      at least 12 characters, at most 1024 bytes. Prints the TOTP secret once,\n"
         "      as text, otpauth:// URI and QR code.\n"
         "  tessera-gateway account list --data FILE --key-file FILE\n"
         "  tessera-gateway account disable|unlock|reset-totp --data FILE --key-file FILE --login NAME\n"
         "Logins are 1-64 of a-z 0-9 . _ -\n";
}

int run_account_command(std::span<const std::string_view> args, std::istream& in, std::ostream& out,
                        std::ostream& err) {
  if (args.size() >= 2 && (args[1] == "--help" || args[1] == "-h")) {
    out << account_usage_text();
    return 0;
  }
  const auto parsed = parse_admin_args(args, err);
  if (!parsed) {
    err << account_usage_text();
    return 2;
  }
  return run(*parsed, in, out, err);
}

std::string terminal_qr(std::string_view text) {
  const std::string copy(text);
  const std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString(copy.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!qr) return {};
  const int width = qr->width;
  const auto dark = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= width || y >= width) return false;  // quiet zone
    return (qr->data[y * width + x] & 1) != 0;
  };
  std::string out;
  for (int y = -kQuietZone; y < width + kQuietZone; y += 2) {
    for (int x = -kQuietZone; x < width + kQuietZone; ++x) {
      const bool top = !dark(x, y);
      const bool bottom = !dark(x, y + 1);
      out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
    }
    out += "\n";
  }
  return out;
}

}  // namespace tessera::gateway
