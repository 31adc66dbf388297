import Formats
import Foundation

/// One `lookout watch` option, declared once (in ``WatchOptions``): its flag, its key in the
/// config file's `watch` member, its default and its help. The command's flag, the config-file
/// reader (``WatchConfigFile``), the merge of the two (``WatchSettings/overridden(by:)``), the
/// defaults (``WatchSettings/resolved()``) and the help text all read it, so a default is
/// written in one place and help that quotes it quotes the value.
///
/// `Default` is `Value` for an option with a default and `Value?` (nil) for one without.
public struct WatchOption<Value: Sendable, Default: Sendable>: Sendable {
  /// The flag's long name, without the dashes: `retry-max`.
  public let flag: String
  /// The member of the config file's `watch` object, dotted when nested: `delivery.retry_max`.
  public let configKey: String
  /// What the option means when neither the flag nor the config file gives it.
  public let defaultValue: Default
  /// The flag's help, with its default quoted from ``defaultValue``; nil where an option group
  /// that other commands share (`PlacementOptions`, `DetectorOptions`) declares the flag.
  public let help: String?
  /// The default as help quotes it (`60`, not `60.0`); nil for an option without one.
  public let shownDefault: String?
  /// Where ``WatchSettings`` keeps the value.
  let setting: WritableKeyPath<WatchSettings, Value?> & Sendable
  /// Reads the option's config member (a file path is taken from the config file's folder).
  let readValue: @Sendable (MemberReader, JSONValue, String) throws(WatchError) -> Value

  /// `help` with `{default}` replaced by the default as help quotes it.
  private static func helpText(_ template: String?, _ shown: String?) -> String? {
    guard let template else { return nil }
    guard let shown else { return template }
    return template.replacingOccurrences(of: "{default}", with: shown)
  }

  /// The option in the table's type-erased form.
  var erased: AnyWatchOption {
    let setting = self.setting
    let readValue = self.readValue
    return AnyWatchOption(
      flag: flag, configKey: configKey, help: help, shownDefault: shownDefault,
      read: { (reader, value, key, settings) throws(WatchError) in
        settings[keyPath: setting] = try readValue(reader, value, key)
      },
      take: { flags, settings in
        if let value = flags[keyPath: setting] { settings[keyPath: setting] = value }
      })
  }
}

extension WatchOption where Default == Value, Value: WatchOptionValue {
  /// An option with a default; `help` may quote it as `{default}`.
  init(
    flag: String, configKey: String, default value: Value, help: String?,
    setting: WritableKeyPath<WatchSettings, Value?> & Sendable
  ) {
    self.flag = flag
    self.configKey = configKey
    self.defaultValue = value
    self.shownDefault = value.shownInHelp
    self.help = Self.helpText(help, value.shownInHelp)
    self.setting = setting
    self.readValue = { (reader, value, key) throws(WatchError) in
      try Value.read(reader, value, key)
    }
  }
}

extension WatchOption where Default == Value?, Value: WatchOptionValue {
  /// An option without a default (nil means "not set"); a path is taken from the config
  /// file's folder when `isPath`.
  init(
    flag: String, configKey: String, help: String?, isPath: Bool = false,
    setting: WritableKeyPath<WatchSettings, Value?> & Sendable
  ) {
    self.flag = flag
    self.configKey = configKey
    self.defaultValue = nil
    self.shownDefault = nil
    self.help = help
    self.setting = setting
    self.readValue = { (reader, value, key) throws(WatchError) in
      isPath ? try Value.readPath(reader, value, key) : try Value.read(reader, value, key)
    }
  }
}

/// A ``WatchOption`` of any value type, as the table lists it.
public struct AnyWatchOption: Sendable {
  /// The flag's long name, without the dashes (``WatchOption/flag``).
  public let flag: String
  /// The config member, dotted when nested (``WatchOption/configKey``).
  public let configKey: String
  /// The flag's help with its default quoted (``WatchOption/help``).
  public let help: String?
  /// The default as help quotes it (``WatchOption/shownDefault``).
  public let shownDefault: String?
  /// Sets the option in `settings` from its config member.
  let read:
    @Sendable (MemberReader, JSONValue, String, inout WatchSettings) throws(WatchError) -> Void
  /// Copies the option from `flags` into `settings` when the flags give it.
  let take: @Sendable (WatchSettings, inout WatchSettings) -> Void
}

/// A value a watch option holds: how the config file gives it and how help quotes it.
protocol WatchOptionValue: Sendable {
  /// The value as help quotes it: `60`, not `60.0`.
  var shownInHelp: String { get }
  /// The value of a config member.
  static func read(_ reader: MemberReader, _ value: JSONValue, _ key: String) throws(WatchError)
    -> Self
  /// The value of a config member that names a file or folder.
  static func readPath(_ reader: MemberReader, _ value: JSONValue, _ key: String)
    throws(WatchError) -> Self
}

extension WatchOptionValue {
  static func readPath(_ reader: MemberReader, _ value: JSONValue, _ key: String)
    throws(WatchError) -> Self
  {
    try read(reader, value, key)
  }
}

extension Double: WatchOptionValue {
  var shownInHelp: String { String(format: "%g", self) }
  static func read(_ reader: MemberReader, _ value: JSONValue, _ key: String)
    throws(WatchError) -> Double
  {
    try reader.number(value, key)
  }
}

extension Float: WatchOptionValue {
  var shownInHelp: String { String(format: "%g", Double(self)) }
  static func read(_ reader: MemberReader, _ value: JSONValue, _ key: String)
    throws(WatchError) -> Float
  {
    Float(try reader.number(value, key))
  }
}

extension Int: WatchOptionValue {
  var shownInHelp: String { String(self) }
  static func read(_ reader: MemberReader, _ value: JSONValue, _ key: String)
    throws(WatchError) -> Int
  {
    try reader.integer(value, key)
  }
}

extension Bool: WatchOptionValue {
  var shownInHelp: String { String(self) }
  static func read(_ reader: MemberReader, _ value: JSONValue, _ key: String)
    throws(WatchError) -> Bool
  {
    try reader.bool(value, key)
  }
}

extension String: WatchOptionValue {
  var shownInHelp: String { self }
  static func read(_ reader: MemberReader, _ value: JSONValue, _ key: String)
    throws(WatchError) -> String
  {
    try reader.string(value, key)
  }
  static func readPath(_ reader: MemberReader, _ value: JSONValue, _ key: String)
    throws(WatchError) -> String
  {
    try reader.path(value, key)
  }
}

extension GeofencePolicy: WatchOptionValue {
  var shownInHelp: String { rawValue }
  static func read(_ reader: MemberReader, _ value: JSONValue, _ key: String)
    throws(WatchError) -> GeofencePolicy
  {
    let text = try reader.string(value, key)
    guard let policy = GeofencePolicy(rawValue: text) else {
      throw reader.fail(
        "\(reader.prefix).\(key) \"\(text)\": expected all, inside or inside-or-unknown")
    }
    return policy
  }
}
