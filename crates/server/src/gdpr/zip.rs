//! A minimal streaming ZIP writer (PKWARE APPNOTE 6.3): stored entries (the PDFs are
//! compressed already), sizes and CRC-32 in a data descriptor after each entry, so an
//! entry is written as it is produced and the bytes can be drained at any point.
//! No ZIP64: an archive over 4 GiB or 65,535 entries is refused with an error.

/// UTF-8 names (bit 11) and a data descriptor after the data (bit 3).
const FLAGS: u16 = 0x0808;
/// 1980-01-01 00:00 in MS-DOS format: no meaningful file times.
const DOS_DATE: u16 = 0x0021;

struct Entry {
    name: String,
    crc: u32,
    size: u32,
    offset: u32,
}

pub struct ZipWriter {
    buffer: Vec<u8>,
    written: u64,
    entries: Vec<Entry>,
    open: Option<(String, crc32fast::Hasher, u64, u64)>,
}

impl Default for ZipWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ZipWriter {
    pub fn new() -> Self {
        Self { buffer: Vec::new(), written: 0, entries: Vec::new(), open: None }
    }

    fn put(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
        self.written += bytes.len() as u64;
    }

    fn u32_of(value: u64, what: &str) -> Result<u32, String> {
        u32::try_from(value).map_err(|_| format!("the export is larger than a ZIP without ZIP64 can hold ({what})"))
    }

    pub fn start(&mut self, name: &str) -> Result<(), String> {
        self.finish_entry()?;
        let offset = self.written;
        let mut header = Vec::with_capacity(30 + name.len());
        header.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        header.extend_from_slice(&20u16.to_le_bytes());
        header.extend_from_slice(&FLAGS.to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes()); // stored
        header.extend_from_slice(&0u16.to_le_bytes()); // time
        header.extend_from_slice(&DOS_DATE.to_le_bytes());
        header.extend_from_slice(&[0; 12]); // crc and sizes follow in the descriptor
        header.extend_from_slice(&(name.len() as u16).to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes());
        header.extend_from_slice(name.as_bytes());
        self.put(&header);
        self.open = Some((name.to_owned(), crc32fast::Hasher::new(), 0, offset));
        Ok(())
    }

    pub fn write(&mut self, bytes: &[u8]) {
        if let Some((_, crc, size, _)) = &mut self.open {
            crc.update(bytes);
            *size += bytes.len() as u64;
        }
        self.put(bytes);
    }

    fn finish_entry(&mut self) -> Result<(), String> {
        let Some((name, crc, size, offset)) = self.open.take() else { return Ok(()) };
        let crc = crc.finalize();
        let size = Self::u32_of(size, &name)?;
        let offset = Self::u32_of(offset, &name)?;
        let mut descriptor = Vec::with_capacity(16);
        descriptor.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
        descriptor.extend_from_slice(&crc.to_le_bytes());
        descriptor.extend_from_slice(&size.to_le_bytes());
        descriptor.extend_from_slice(&size.to_le_bytes());
        self.put(&descriptor);
        self.entries.push(Entry { name, crc, size, offset });
        Ok(())
    }

    /// Writes the central directory; the buffer then holds the archive's last bytes.
    pub fn finish(&mut self) -> Result<(), String> {
        self.finish_entry()?;
        if self.entries.len() > usize::from(u16::MAX) {
            return Err("the export has more files than a ZIP without ZIP64 can hold".into());
        }
        let start = Self::u32_of(self.written, "central directory")?;
        let entries = std::mem::take(&mut self.entries);
        for e in &entries {
            let mut record = Vec::with_capacity(46 + e.name.len());
            record.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            record.extend_from_slice(&20u16.to_le_bytes()); // made by
            record.extend_from_slice(&20u16.to_le_bytes()); // needed
            record.extend_from_slice(&FLAGS.to_le_bytes());
            record.extend_from_slice(&0u16.to_le_bytes());
            record.extend_from_slice(&0u16.to_le_bytes());
            record.extend_from_slice(&DOS_DATE.to_le_bytes());
            record.extend_from_slice(&e.crc.to_le_bytes());
            record.extend_from_slice(&e.size.to_le_bytes());
            record.extend_from_slice(&e.size.to_le_bytes());
            record.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            record.extend_from_slice(&[0; 12]); // extra, comment, disk, internal and external attributes
            record.extend_from_slice(&e.offset.to_le_bytes());
            record.extend_from_slice(e.name.as_bytes());
            self.put(&record);
        }
        let size = Self::u32_of(self.written - u64::from(start), "central directory")?;
        let mut end = Vec::with_capacity(22);
        end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        end.extend_from_slice(&[0; 4]);
        end.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        end.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        end.extend_from_slice(&size.to_le_bytes());
        end.extend_from_slice(&start.to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        self.put(&end);
        Ok(())
    }

    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    pub fn written(&self) -> u64 {
        self.written
    }

    /// The bytes written since the last call.
    pub fn drain(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buffer)
    }
}
