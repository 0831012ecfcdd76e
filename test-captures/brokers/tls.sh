# shellcheck shell=bash
# Sourced by make-captures.sh.  TLS material for the brokers' STOMP-over-TLS
# listeners, made fresh with openssl in the scratch directory on every run:
#
#   tls_make <dir>   -> <dir>/key.pem, <dir>/cert.pem (self-signed, EC P-256,
#                       CN=localhost, subjectAltName DNS:localhost, IP:127.0.0.1,
#                       30 days), <dir>/broker.p12 (PKCS#12 keystore for
#                       ActiveMQ, password $TLS_STORE_PASS)
#
# The clients trust cert.pem as their CA file.  Nothing here is committed:
# only the TLS key logs of the captured sessions are (next to the captures).

TLS_STORE_PASS=capstore

tls_make() {
  local dir=$1
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" > "$dir/openssl.out" 2>&1 \
    || { cat "$dir/openssl.out" >&2; return 1; }
  openssl pkcs12 -export -in "$dir/cert.pem" -inkey "$dir/key.pem" -name broker \
    -out "$dir/broker.p12" -passout "pass:$TLS_STORE_PASS" >> "$dir/openssl.out" 2>&1 \
    || { cat "$dir/openssl.out" >&2; return 1; }
  # RabbitMQ runs as root here too, but keep the key readable only by us
  chmod 600 "$dir/key.pem" "$dir/broker.p12"
}
