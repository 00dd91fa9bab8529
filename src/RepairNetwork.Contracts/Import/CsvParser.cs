using System.Text;

namespace RepairNetwork.Contracts.Import;

/// <summary>One record of a CSV file.</summary>
/// <param name="LineNumber">1-based line on which the record starts (a quoted field may span lines).</param>
/// <param name="Fields">The record's fields, unquoted and unescaped; empty when <see cref="Error"/> is set.</param>
/// <param name="Error">Why the record is malformed; null for a good record.</param>
public sealed record CsvRecord(int LineNumber, IReadOnlyList<string> Fields, string? Error);

/// <summary>
/// An RFC 4180 CSV reader: fields separated by commas, records by CRLF, LF or CR; a field may be
/// enclosed in double quotes, and then may contain commas, line breaks and doubled quotes ("" for ").
/// Empty lines are skipped. A malformed record (a quote inside an unquoted field, text after a closing
/// quote, a quoted field left open at the end of the file) is reported as an error record and reading
/// continues on the next line, so one bad row does not hide the rest of the file.
/// </summary>
public static class CsvParser
{
    /// <summary>Reads records lazily; the first one is usually the header.</summary>
    public static IEnumerable<CsvRecord> ReadRecords(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var source = new CharSource(reader);
        var fields = new List<string>();
        var field = new StringBuilder();
        var firstRecord = true;

        while (source.Peek() >= 0)
        {
            var startLine = source.Line;
            fields.Clear();
            string? error = null;
            var emptyLine = IsLineBreak(source.Peek());

            while (error is null)
            {
                field.Clear();
                if (source.Peek() == '"')
                {
                    source.Read();
                    var openedOn = source.Line;
                    while (true)
                    {
                        var c = source.Read();
                        if (c < 0)
                        {
                            error = $"quoted field {fields.Count + 1} opened on line {openedOn} is never closed";
                            break;
                        }

                        if (c == '"')
                        {
                            if (source.Peek() == '"')
                            {
                                source.Read();
                                field.Append('"');
                                continue;
                            }

                            break;
                        }

                        field.Append((char)c);
                    }

                    if (error is null && source.Peek() is >= 0 and not ',' and not '\r' and not '\n')
                    {
                        error = $"field {fields.Count + 1}: unexpected text after the closing quote (write a quote inside a quoted field as \"\")";
                    }
                }
                else
                {
                    while (source.Peek() is >= 0 and not ',' and not '\r' and not '\n')
                    {
                        var c = source.Read();
                        if (c == '"')
                        {
                            error = $"field {fields.Count + 1}: a quote inside an unquoted field (enclose the field in quotes and double the quote)";
                            break;
                        }

                        field.Append((char)c);
                    }
                }

                if (error is not null)
                {
                    break;
                }

                fields.Add(firstRecord && fields.Count == 0 ? StripBom(field.ToString()) : field.ToString());
                if (source.Peek() == ',')
                {
                    source.Read();
                    continue;
                }

                source.ReadLineBreak();
                break;
            }

            if (error is not null)
            {
                source.SkipRestOfLine();
                firstRecord = false;
                yield return new CsvRecord(startLine, Array.Empty<string>(), error);
                continue;
            }

            if (emptyLine && fields.Count == 1)
            {
                continue;
            }

            firstRecord = false;
            yield return new CsvRecord(startLine, fields.ToArray(), null);
        }
    }

    /// <summary>Writes a field, quoting it when it holds a comma, quote or line break.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static bool IsLineBreak(int c) => c is '\r' or '\n';

    private static string StripBom(string value) => value.Length > 0 && value[0] == '\uFEFF' ? value[1..] : value;

    /// <summary>Buffered characters with one character of look-ahead and a line counter.</summary>
    private sealed class CharSource(TextReader reader)
    {
        private readonly char[] _buffer = new char[8192];
        private int _position;
        private int _length;
        private bool _lastWasCr;

        /// <summary>1-based line of the next character.</summary>
        public int Line { get; private set; } = 1;

        public int Peek()
        {
            if (_position < _length)
            {
                return _buffer[_position];
            }

            _length = reader.Read(_buffer, 0, _buffer.Length);
            _position = 0;
            return _length > 0 ? _buffer[0] : -1;
        }

        public int Read()
        {
            var c = Peek();
            if (c < 0)
            {
                return c;
            }

            _position++;
            if (c == '\n')
            {
                if (!_lastWasCr)
                {
                    Line++;
                }
            }
            else if (c == '\r')
            {
                Line++;
            }

            _lastWasCr = c == '\r';
            return c;
        }

        /// <summary>Consumes one CRLF, LF or CR, if one is next.</summary>
        public void ReadLineBreak()
        {
            if (Peek() == '\r')
            {
                Read();
                if (Peek() == '\n')
                {
                    Read();
                }
            }
            else if (Peek() == '\n')
            {
                Read();
            }
        }

        /// <summary>Consumes everything up to and including the next line break.</summary>
        public void SkipRestOfLine()
        {
            while (Peek() is >= 0 and not '\r' and not '\n')
            {
                Read();
            }

            ReadLineBreak();
        }
    }
}
