namespace YoloX.Training.Tests.Augmentation;

/// <summary>
/// MindYOLO's <c>hsv_augment</c> as OpenCV 4.6.0 + NumPy 1.24.2 (Debian's python3-opencv, x86-64 with AVX2) compute
/// it, recorded once with a throw-away script: a 40×6 BGR image (random bytes from
/// <c>np.random.default_rng(20261202).integers(0, 256, (6, 40, 3), uint8)</c>, with black, white, grey, pure
/// B/G/R and hue-179 colours written at row 0 columns 0–7 and row 5 columns 32–39, so both OpenCV code paths see
/// them), and for each case the uniforms u, the tables MindYOLO builds for r = u·(0.015, 0.7, 0.4) + 1 (hue, then
/// saturation, then value, 256 bytes each) and the image after <c>cvtColor(BGR2HSV)</c>, <c>LUT</c> and
/// <c>cvtColor(HSV2BGR)</c>, following <c>mindyolo/data/dataset.py</c> line by line. Base64 of the raw bytes.
/// </summary>
internal static class FractionalHsvFixture
{
    public const int Width = 40;

    public const int Height = 6;

    public static readonly string Input =
        "AAAA////gICAAAD/AP8A/wAAAgD//wD+/ct+gh62yNCDjJYpBWVdXjDSnOUtrCB18B81r24Q1QB3ZXva/NfuurE7DUjjS+CITtVb" +
        "LCIUS3qM19CSLZ83dDR9R6YSEZvFrYbdDNioPu2u12DuWJC3WL1dExkSW5Xeay3hBudEAJY9288+Eit0+q/1sZmyQT8qZncKkoGI" +
        "CcSnjuq3H5Mh1hp2x7L1YyaglcAENgs57eCVHTi4ZiCNIGAKSWoiTvIM23DbL/Nbta9qGC0Azv1CGeW2Z0IuSGdIdfthWOCc2bl4" +
        "wj6nxYLLTZr3FB2zKIQiBRAc3F8Ionq+qAiUAdgRuvUDl5a055PdcANYW73EUjISrKQash25enUBvmKZGERJETUKixYOkSHjBUSz" +
        "fHltZN1sfv0xqUB6GjC3Z/keeQmM0cRAo8WxJC0bxf5zBWJnGdQNtEQGyviGFrJwFHCHnjqJgFGSLNfiYLrO97pn7H0YKOakYI4o" +
        "xckRj/v7ytE9gO6cB1pY0HjPC0gm+h5nHzqaFPAkrtFC7mrgXNhyaLC+ah724saIGQfkh6W9hRh99Ys/vy5z/BJzHHgtBYEROF2d" +
        "evAVlzBEVBn+kbOx5TUevasHys8Sq4wNryOfyPPVObd96MA3jC9KLY8pcdwm8VKSWIIbMSHCrlsvvbZka+QbHIlOz7N/dH/MgPMn" +
        "2SCWf1EJR6ZTZDX91yH/WTm+eLjIlCJohoVY+PUkV6aSCKV8ouJV6VA3gqVV1Wc6E9GYIOhub7RiFp68BskBtlyBYjRVtrb9y/ui" +
        "pmIwMvDfBv0PSSxc8xDAJ7aJJ6BLdeHrmHKr9oDbpoNxQqbMe6/wqyouh80FXsWfq5AnHCCzDir4kNXu9cxnf+dWSkSczQaj3Zwm" +
        "S/EDj2hyA/W9T1HFlrVplMnaXfUwAAAA////gICAAAD/AP8A/wAAAgD//wD+";

    public static readonly (double[] U, string Output, string Tables)[] Cases =
    [
        ([1.0, 1.0, 1.0],
        "AAAA////s7OzAAD/AP8A/wAIAAD/7QD//6AlmAD+9P9fxNIAAI1+OwD/of8A8ACg/wAi9IoA/wChFkX//8Hs/+UAAEP/AP9lAP8Z" +
        "PSIEKpvE/+xzAN4WjAGvXOgAAMP/k1X/AP/EAP+hwwD/H6X/GP8gFSMTAG//QwD/AP9DANJT/+UAACui/nz/8735W1Mkj6YAzKO0" +
        "AP/UVP+eAM0G/wCQo4f/YQDgzP8ARABP/+RdACr/bwDFKIYAU5QAVf8A8Cr/AP87/etKIz4Aw/8AAP/DkDYJRpBGIv8AAP9//7g+" +
        "/wDd6mP/AHf/ABH6DLgAABIn/10At2T/6wDbAP8QzP8As7X7/2D0nACCFu//cjUA8NcA5QD/qp4A/y25AFtmDEoAwgYAfwD/AFv6" +
        "raSJEP8gZv8A7ACVACH/Xf8AnADE/9wAtf/SKj4Tp/8QAIaQEf8A+1QAtv85APmNAJe93QDAmTLMAO7/F9j//4gB/24AAP+pcMYA" +
        "//4AQ/////4ANv9sAH148kf/AGQr/wBdADLXAP8QzP8A/w/3Bv8wO97/TAD//8VRAAD/gsn/uQC6/2UA/wCI/wBuAKghALQRAFDb" +
        "f/8A0wAxMwD/q/r1/xkA/90A//8A77cA9ADss//KAP+H/7oAxABBBsgAbv8A/wBuc7YACAD/80gA/+oybv8AAL9Z/7tWQ1z/d/8A" +
        "/wCysWQABugkKgD/wwD/KgD/Udz/zwCKu7NN//YALei2AOaokP8A/xkAmuYo/0MAAP+yAP9mWfs5ANX/Cf8A/imFiRtzhYX/s/9m" +
        "6FwAAP/lAP8ISw6A/wDUAP6xAOBDJen/uWjv/y/c6JBrALv/LIj/7wAPqv8AHP+s77cAAAj6ACH/U9H//6sDTP8ACQna/wDd/5gA" +
        "Vf8AyGqGAP/DAAj/u/1Jc97/RP8AAAAA////s7OzAAD/AP8A/wAJAAD/7gD/",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkRFRkdISUpL" +
        "TE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaIiYqLjI2Oj5CRkpOUlZaX" +
        "mJmam5ydnp+goaKjpKWmp6ipqqusra6vsLGyswABAgMEBQYHCAkKCwwNDg8QERITFBUWGBkaGxwdHh8gISIjJCUmJygpKissLS4v" +
        "MDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTgABAwUGCAoLDQ8REhQWFxkbHB4gIiMlJygqLC0vMTM0Njg5Oz0+QEJERUdJ" +
        "SkxOT1FTVVZYWltdX2BiZGZnaWtsbnBxc3V3eHp8fX+BgoSGiImLjY6QkpOVl5manJ6foaOkpqiqq62vsLK0tbe5u7y+wMHDxcbI" +
        "yszNz9HS1NbX2dvd3uDi4+Xn6Ors7u/x8/T2+Pn7/f//////////////////////////////////////////////////////////" +
        "//////////////////////////////////////////////////////////////////////////////////8AAQIEBQcICQsMDg8Q" +
        "EhMVFhcZGhwdHiAhIyQlJygqKywuLzEyMzU2ODk6PD0+QEFDREZHSEpLTU5PUVJUVVZYWVtcXV9gYmNkZmdpamttbnBxcnR1dnh5" +
        "e3x9f4CCg4WGh4mKjI2OkJGTlJWXmJqbnJ6foaKjpaaoqaqsra+wsbO0tre4uru9vr/BwsTFxsjJy8zNz9DS09TW19na293e4OHi" +
        "5OXm6Onr7O3v8PLz9Pb3+fr7/f7/////////////////////////////////////////////////////////////////////////" +
        "////////////////////////"),
        ([-1.0, -1.0, -1.0],
        "AAAAmZmZTExMa2uZa5lsmW5ra2uZmWuUl4+AZlJteXxuVlpGKzw6bGB+eYloZ01akGpraV9Mf1lqbXCCl5CTb29YYWqIa4Z2Z39q" +
        "GhgVSFBUgYB0Sl9NSj5LUGNIVm12fXSEXYF6b46EjHWOXGZtX3FgDg8ObneFdGaHYYptP1pKg4JnMzdFloiTamVpJyYiQkczV1NU" +
        "U3Vwe4yDQ1hEgF5ri4aTV0pgaHNRIhkhjox+UlZuTkBULDkpOD8ycZFog2+BbpF3bGxeFhsSi5d1ZImBPTcyNz03fpZ7boZ7gn1x" +
        "dFxteWx5doOUTk9rPk8+DA0QhG9ebmVyZEddWoFehpNnZ2ZsinuGQy88YnN1MSwlZ2dNb1NtSEkzcmFpIikrGB8XUz88fGWIS1Zr" +
        "SklHboRwfZdyZVJbUVNteJVtUzxUfXxjb3ZyGRsXjJh+Kzs9XX9cbFpNi5SAT2pfPExRXkxZVUtXZ4SHZ3d7lIp6jXtnZ4p/S1VD" +
        "dHhXgpWWen1ieo6AJzY2fGx6ICsllm55RUpcaJBsdX1jjnaJa4FvYm5yfmyTh4N3Z2CIZ2xxTztLk4Jyclhhl2x6N0g7Nk05S1Fe" +
        "eJBpWkdKfm+YZWtriW1mcXBReXxaZmJKaVBkipGMVm1ji4VrVENHQ1VDboRjkHN9RU47XVd0aFpRcXFhcIhkPlJIfHdtamt6eZFs" +
        "gmByTEQ2UmNVf3OXlnGZYlpyaXR4WENNT1BHkZRuVWNfR2NceYdui3FrW2NUf21jW31zZ4t3YGxeU2pwVHhUbV1iOjI3i4uXjJaG" +
        "Y1hObpCNa5duNC43kWiDU21mSmBRd4qNY1xmk36MY11ZYXJ6e4OQZk9Pa3tXY3ZvZmJOUFBram6UfYiOk415dYpwT01de1dwhHpj" +
        "b5BlVU5PZ5OKYWF2ZWxedX6CdZNvAAAAmZmZTExMa2uZa5ltmW5ra2uZmWuU",
        "AAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9AQUFCQ0RFRkdI" +
        "SUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoODhIWGh4iJiouMjY6PkJGS" +
        "k5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKzAAECAwQFBgcICQoLDA0ODxARERITFBUWFxgZGhscHR4fICEiIyQlJico" +
        "KSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9AQUJDREVGRwAAAAABAQECAgIDAwMDBAQEBQUFBgYGBgcHBwgICAkJCQkKCgoLCwsMDAwM" +
        "DQ0NDg4ODw8PDxAQEBERERISEhITExMUFBQVFRUVFhYWFxcXGBgYGBkZGRoaGhsbGxscHBwdHR0eHh4eHx8fICAgISEhISIiIiMj" +
        "IyQkJCQlJSUmJiYnJycnKCgoKSkpKioqKisrKywsLC0tLS0uLi4vLy8wMDAwMTExMjIyMzMzMzQ0NDU1NTY2NjY3Nzc4ODg5OTk5" +
        "Ojo6Ozs7PDw8PD09PT4+Pj8/Pz9AQEBBQUFCQkJCQ0NDRERERUVFRUZGRkdHR0hISEhJSUlKSkpLS0tLTEwAAAEBAgMDBAQFBgYH" +
        "BwgJCQoKCwwMDQ0ODw8QEBESEhMTFBUVFhYXGBgZGRobGxwcHR4eHx8gISEiIiMkJCUlJicnKCgpKiorKywtLS4uLzAwMTEyMzM0" +
        "NDU2Njc3ODk5Ojo7PDw9PT4/P0BAQUJCQ0NERUVGRkdISElJSktLTExNTk5PT1BRUVJSU1RUVVVWV1dYWFlaWltbXF1dXl5fYGBh" +
        "YWJjY2RkZWZmZ2doaWlqamtsbG1tbm9vcHBxcnJzc3R1dXZ2d3h4eXl6e3t8fH1+fn9/gIGBgoKDhISFhYaHh4iIiYqKi4uMjY2O" +
        "jo+QkJGRkpOTlJSVlpaXl5iZ"),
        ([0.4871, 0.3301, -0.7252],
        "AAAAtbW1WlpaAAC1ALUAtQAAAAC1rgC1s4ZEUQCBjJNQYGoLAEc/LQeVYaIBegBNqgARfEoAlwBaNEiaspKnhHwVACqhHJ9QIZcs" +
        "HxUKKlNjmJJcDXAXTRhYKnUAAGqLb1GcAJl1EKhwjy2oL2CBLoYxDBELLF2dMQKfAKMrAGoqm5ESABVSsW+ufGh+LiwaRlQAZ1he" +
        "AItzVaZ4A2gGlwBLgnKtOAdxaIgAJAAoqJ1bABWCPgVkEkQALUsMM6sAlz6bAawpgHs+EB8Ah7MQAKJ8SSkXLkkuPrIsKZ9kmn5F" +
        "iRZ2ilCQG2CvAAh/Dl0IAAgTnD4AbEuGdwBrAJkKhK0AZWV/o1qbTwA/L4SLOh4CenEAegCDVlMAhjZoCC4zBiUAYgYAVQChAC5/" +
        "WFVKMpw5QrMBdxxSABGBOrAAUgBjlIcWbYt5Fx8Pg7Q6AERJCpYAfy8AiLBNAH5HAExfcBliVi5nApWgMoKSr3gxp00AAKNsOmQL" +
        "iY4AU7Kyj5QTSKhhAD88kEaTADMWsQA7ARptAKoLd5QXqDagLZk/O3mGOQCuoIhRBQChV3GGXgBarVMPhwhDsgBHBFUUAFsJFzdv" +
        "T6oAaxEjKgC0Yn99ohYAhnkAjZIAeWEAfAJ0h6ySE4FOpH8JYxIqD2UMPpwAqyBYOFwCCQCJezENhoA4QKEAAmEuknhMQ02QSqwA" +
        "mgBmWjUAInUtJwSzkAC1KRKGR3+NaQVEX102sK8AMXViAHVVZqAlpR4JVnUvlzgPAJRnAKRCRH84AG+FBY4AgTNSRR08dXWzibJl" +
        "dTsPBKqZALMFLhdBrACJBIFbB3EnP5umZkd5rkeZdVZHGHCQRHCqeQkMW5EAMotqeWIGAAR/ABewVpKorYcxR6MlJCFukQB4nGIA" +
        "M6sAZUJMAK2EJCeLZYA+XYuaKa0CAAAAtbW1WlpaAAC1ALUAtQAAAAC1rwC1",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElK" +
        "S0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iKi4yNjo+QkZKTlJWW" +
        "l5iZmpucnZ6foKGio6SlpqeoqaqrrK2ur7CxsrMAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywt" +
        "Li8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRkdISUpLTAABAgMEBgcICQsMDQ4QERITFBYXGBkbHB0eICEiIyQmJygpKywtLjAxMjM0" +
        "Njc4OTs8PT5AQUJDREZHSElLTE1OUFFSU1RWV1hZW1xdXmBhYmNkZmdoaWtsbW5wcXJzdHZ3eHl7fH1+gIGCg4SGh4iJi4yNjpCR" +
        "kpOUlpeYmZucnZ6goaKjpKanqKmrrK2usLGys7S2t7i5u7y9vsDBwsPExsfIycvMzc7Q0dLT1NbX2Nnb3N3e4OHi4+Tm5+jp6+zt" +
        "7vDx8vP09vf4+fv8/f7///////////////////////////////////////////////////////////////8AAAECAgMEBAUGBwcI" +
        "CQkKCwwMDQ4ODxARERITExQVFhYXGBgZGhobHB0dHh8fICEiIiMkJCUmJycoKSkqKywsLS4uLzAwMTIzMzQ1NTY3ODg5Ojo7PD09" +
        "Pj8/QEFCQkNEREVGRkdISUlKS0tMTU5OT1BQUVJTU1RVVVZXWFhZWlpbXFxdXl9fYGFhYmNkZGVmZmdoaWlqa2tsbW5ub3BwcXJz" +
        "c3R1dXZ3d3h5enp7fHx9fn9/gIGBgoOEhIWGhoeIiYmKi4uMjY2Oj5CQkZKSk5SVlZaXl5iZmpqbnJydnp+foKGhoqOjpKWmpqeo" +
        "qKmqq6usra2ur7CwsbKys7S1"),
        ([-0.2113, -0.9, 0.15],
        "AAAA////h4eHoaH/of+k/6ShoaH//6H7/+3QroXA2Ny+mZ90RWtotJ/e0/Kqtn+e/qyxuaJ74Y66ucHn//L5xcOTnbDws+3MrOGz" +
        "Lioke4yU4+HIe6iBgWeEia92ib3Q2MjqlOTUt/vk9cX8nbHBocijGBoXuM3rwajunPS3ZJ996OWrVF16/+P8vLK8REM7dX5TmpOV" +
        "hs/F1Pjkbptx4pm77ub/k3mpt8uBOyo8+/fYho7DhmqVS2VDYXBTvf+l6L7ms//Hv76hJi8d6v+5o/LibV9WYW1hzP/GuO3U5tvA" +
        "zZrB1rrXvtr/f4K9Z4tlFBgd6bmVv67JsnOnkOSZ5v+hs7K+9NPudktqpsrPVko9trR9w4fEgYBRyaW5OUpNKTgnk2di0aTweZC9" +
        "g4J9u+q/zP+zs4qgg4nBxf+tjmCU3dmkwtDIKy8o6P/LRmltleCTvpV67P/UgLykYoWPp4CelIGaqejvr9Ha/+jH+tCnqPPcgpZu" +
        "0NWN1/3/2d2j0fzePl9f3LraNEw//63Fc3yjqP6wzt2l/Mj1s+S9p8LJza3/7+XMo5rxsr7IjGGH/9q5ypGq/6fHW39jWIhefoum" +
        "zf6ooHd+w6r/sL298rGkyMOB1tuRtat3uYOy7//0j8Gr9eevlHB5b5dvu+mh/8HXd4lhlo7NuJiGyMalv/GiZpF729C8trnYz/+v" +
        "5p3JhnVYia+QyLX/9K3/o5XJtczUnG+Ijo18/P+vkK+nca6f0++49rywn66P4bmlk93Jp/XJo76fhrrHh9WHwJ2qZ1Vi5eX/7P/e" +
        "r5aBtP75o/+pWk5h/6fniMCxeamJy/L5rp61/9Lzr6KbocfY0eP+tYKCudmKqNDCtayBgoK9pa7/1/H8//DJyPS7hoKl2YvG6tKi" +
        "uv+hl4iLof/soqLQsr+hy9/nw/+zAAAA////h4eHoaH/of+k/6ShoaH//6H8",
        "AAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJ" +
        "SktMTU5PUFFSU1RVVldYWVpbXF1eX2BhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4SFhoeIiYqLjI2Oj5CRkpOU" +
        "lZaXmJmam5ydnp+goaKjpKWmp6ipqqusra6vsLGyswABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSor" +
        "LC0uLzAxMjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJSgAAAAEBAQICAgMDBAQEBQUFBgYHBwcICAgJCQkKCgsLCwwMDA0NDg4ODw8P" +
        "EBARERESEhITExMUFBUVFRYWFhcXGBgYGRkZGhobGxscHBwdHR0eHh8fHyAgICEhIiIiIyMjJCQlJSUmJiYnJycoKCkpKSoqKisr" +
        "LCwsLS0tLi4uLy8wMDAxMTEyMjMzMzQ0NDU1NjY2Nzc3ODg4OTk6Ojo7Ozs8PD09PT4+Pj8/QEBAQUFBQkJCQ0NERERFRUVGRkdH" +
        "R0hISElJSkpKS0tLTExMTU1OTk5PT09QUFFRUVJSUlNTU1RUVVVVVlZWV1dYWFhZWVlaWltbW1xcXF1dXV4AAQIDBAUGBwgJCgsM" +
        "DQ4PEBITFBUWFxgZGhscHR4fICEiJCUmJygpKissLS4vMDEyMzU2Nzg5Ojs8PT4/QEFCQ0RFR0hJSktMTU5PUFFSU1RVVldZWltc" +
        "XV5fYGFiY2RlZmdoamtsbW5vcHFyc3R1dnd4eXp8fX5/gIGCg4SFhoeIiYqLjI6PkJGSk5SVlpeYmZqbnJ2foKGio6Slpqeoqaqr" +
        "rK2ur7Gys7S1tre4ubq7vL2+v8DBw8TFxsfIycrLzM3Oz9DR0tTV1tfY2drb3N3e3+Dh4uPk5ufo6err7O3u7/Dx8vP09fb4+fr7" +
        "/P3+////////////////////"),
    ];
}
