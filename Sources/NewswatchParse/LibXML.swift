import CLibXML2

/// Process-wide libxml2 set-up, done once before the first parse.
enum LibXML {
    /// Touch before using libxml2: initialises the library and installs the deny-all entity loader.
    static let ready: Void = nw_xml_setup()
}
