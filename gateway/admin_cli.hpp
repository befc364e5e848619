#pragma once
// `tessera-gateway account ...`: the operator's commands for provider and
// admin accounts, run on the gateway's machine (the gateway may be running:
// WAL lets both use the database).
//   account add --data F --key-file K --login NAME --role provider|admin
//       reads the password from stdin (asked twice with echo off on a
//       terminal; one line from a pipe), creates the account and prints its
//       TOTP secret ONCE: as base32 ("totp-secret: ..."), as the otpauth://
//       URI ("otpauth-uri: ...") and as a QR code for an authenticator app.
//   account list    --data F --key-file K          id, login, role, locked, disabled
//   account disable --data F --key-file K --login NAME   (ends its sessions)
//   account unlock  --data F --key-file K --login NAME
//   account reset-totp --data F --key-file K --login NAME  (new secret, printed once)
// The password is never echoed or printed. Every change is in the audit trail.
//
// `tessera-gateway kiosk ...`: clinic tablets (kiosk_api.hpp), same flags.
//   kiosk enrol  --data F --key-file K --label TEXT   one-time code, printed once (text and QR)
//   kiosk list   --data F --key-file K                id, label, revoked, last seen
//   kiosk revoke --data F --key-file K --id N         its cookie is refused from then on;
//       a running gateway's open WebSockets of that kiosk close only when the
//       admin API revokes it (this process cannot reach them).
#include <istream>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace tessera::gateway {

// The issuer shown by authenticator apps.
inline constexpr std::string_view kTotpIssuer = "Tessera";

[[nodiscard]] bool is_account_command(std::span<const std::string_view> args);

// args excludes argv[0] and starts with "account". in: where the password
// comes from (a terminal only when it is std::cin on a tty). Returns the exit
// code: 0 done, 1 refused or failed, 2 bad arguments.
[[nodiscard]] int run_account_command(std::span<const std::string_view> args, std::istream& in, std::ostream& out,
                                      std::ostream& err);

// The QR code of text as terminal lines, two modules per character cell
// (Unicode half blocks, light modules drawn), with a quiet zone; "" if the
// text does not fit in a QR code.
[[nodiscard]] std::string terminal_qr(std::string_view text);

[[nodiscard]] std::string account_usage_text();

[[nodiscard]] bool is_kiosk_command(std::span<const std::string_view> args);
// args excludes argv[0] and starts with "kiosk". Exit codes as for accounts.
[[nodiscard]] int run_kiosk_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);
[[nodiscard]] std::string kiosk_usage_text();

}  // namespace tessera::gateway
