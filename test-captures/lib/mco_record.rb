# Loaded (RUBYOPT=-r) into mco and mcollectived by
# make-mco-security-captures.sh.  Records, in the process itself, what the
# security plugin encoded and decoded - the ground truth for MANIFEST.json -
# as JSON lines in "$MCOSEC_RECORD.<pid>".  It changes nothing on the wire: it
# only wraps the plugins' methods and calls the originals.
require 'json'
require 'base64'
require 'digest'

module McoRecord
  OUT = ENV['MCOSEC_RECORD']

  # JSON form of a Marshal-able value: Symbol -> ":name", String -> itself if
  # valid UTF-8 else {"bytes_b64": ...}, Regexp -> "/src/".
  def self.j(v)
    case v
    when Hash then v.each_with_object({}) { |(k, x), h| h[k.is_a?(Symbol) ? ":#{k}" : k.to_s] = j(x) }
    when Array then v.map { |x| j(x) }
    when Symbol then ":#{v}"
    when String
      s = v.dup.force_encoding('UTF-8')
      s.valid_encoding? && !v.b.start_with?("\x04\x08".b) ? s : { 'bytes_b64' => Base64.strict_encode64(v) }
    when Regexp then "/#{v.source}/"
    when Integer, true, false, nil, Float then v
    else v.inspect
    end
  end

  def self.identity
    MCollective::Config.instance.identity rescue nil
  end

  def self.emit(h)
    return unless OUT
    h = { 'pid' => Process.pid, 'identity' => identity, 't' => Time.now.to_f }.merge(h)
    File.open("#{OUT}.#{Process.pid}", 'a') { |f| f.puts(JSON.generate(h)) }
  rescue StandardError => e
    warn "mco_record: #{e.class}: #{e}"
  end

  def self.wire(s)
    { 'wire_len' => s.bytesize, 'wire_sha1' => Digest::SHA1.hexdigest(s), 'wire_b64' => Base64.strict_encode64(s) }
  end

  def self.envelope(s)
    j(Marshal.load(s))
  rescue StandardError
    nil
  end

  module Plugin
    def encoderequest(sender, msg, requestid, filter, target_agent, target_collective, ttl = 60)
      out = super
      McoRecord.emit({ 'event' => 'encode_request', 'plugin' => self.class.name, 'initiated_by' => @initiated_by.to_s,
                       'requestid' => requestid, 'agent' => target_agent, 'collective' => target_collective,
                       'ttl' => ttl, 'body' => McoRecord.j(msg), 'envelope' => McoRecord.envelope(out) }
                     .merge(McoRecord.wire(out)))
      out
    end

    def encodereply(sender, msg, requestid, requestcallerid = nil)
      out = super
      McoRecord.emit({ 'event' => 'encode_reply', 'plugin' => self.class.name, 'requestid' => requestid,
                       'requestcallerid' => requestcallerid, 'body' => McoRecord.j(msg),
                       'envelope' => McoRecord.envelope(out) }.merge(McoRecord.wire(out)))
      out
    end

    def decodemsg(msg)
      begin
        r = super
      rescue Exception => e
        McoRecord.emit({ 'event' => 'decode', 'ok' => false, 'error' => "#{e.class}: #{e}" }.merge(McoRecord.wire(msg.payload)))
        raise
      end
      McoRecord.emit({ 'event' => 'decode', 'ok' => true, 'requestid' => r[:requestid], 'senderid' => r[:senderid],
                       'body' => McoRecord.j(r[:body]) }.merge(McoRecord.wire(msg.payload)))
      r
    end

    def validrequest?(req)
      ok = super
      McoRecord.emit({ 'event' => 'validrequest', 'requestid' => req[:requestid], 'senderid' => req[:senderid], 'ok' => ok })
      ok
    rescue Exception => e
      McoRecord.emit({ 'event' => 'validrequest', 'requestid' => req[:requestid], 'senderid' => req[:senderid],
                       'ok' => false, 'error' => "#{e.class}: #{e}" })
      raise
    end
  end

  module Aes
    def aes_encrypt(plain_string)
      r = super
      McoRecord.emit({ 'event' => 'aes_encrypt', 'key_hex' => r[:key].unpack1('H*'),
                       'plain_b64' => Base64.strict_encode64(plain_string),
                       'data_b64' => Base64.encode64(r[:data]) })
      r
    end
  end
end

# The plugins are loaded late (PluginManager); prepend as soon as each class body ends.
TracePoint.new(:end) do |tp|
  case tp.self.name
  when 'MCollective::Security::Aes_security', 'MCollective::Security::Ssl'
    tp.self.prepend(McoRecord::Plugin) unless tp.self.ancestors.include?(McoRecord::Plugin)
  when 'MCollective::SSL'
    tp.self.prepend(McoRecord::Aes) unless tp.self.ancestors.include?(McoRecord::Aes)
  end
end.enable
