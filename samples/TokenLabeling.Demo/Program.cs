// Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.

Console.WriteLine("This sample is being assembled; see README.md.");
return 0;
